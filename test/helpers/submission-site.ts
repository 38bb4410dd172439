/**
 * The submission pages' site: a catalogue whose server may reach a loopback registry holding the node-app fixture,
 * the real npm advisories, three organisations (a contributor's, another's, a reviewer's) with a user each who can
 * sign in, and on request submissions in every state a contributor meets, each reached by the catalogue's own
 * functions (submit, the scan job under the built-in policy or one that lets the fixture reach review, a
 * reviewer's decision, a withdrawal), so every state carries its real events and scan result.
 */
import { join } from 'node:path';
import {
  type Catalogue,
  createOrganisation,
  createUser,
  decide,
  loadPrincipal,
  type Principal,
  scanJob,
  submit,
  Worker,
  withdraw,
} from '../../src/catalogue/index.ts';
import { importAdvisories, parseAdvisorySource } from '../../src/vuln/index.ts';
import { type AuthServer, authServer, setCookies } from './accounts.ts';
import { TestCatalogues } from './catalogue.ts';
import { corpusDir, fixture } from './fixtures.ts';
import { startRegistry, type TestRegistry } from './registry.ts';
import { reviewablePolicy } from './reviewable-policy.ts';

export const password = 'correct horse battery staple';
export const html = { accept: 'text/html,application/xhtml+xml' };
export const origin = 'http://localhost';

const system = { kind: 'system' } as const;

/** The contributor (amt-a), a contributor of another organisation (amt-b), a reviewer (amt-r). */
export type Person = 'carla' | 'dora' | 'rita';

/** The seeded submissions, by the state each was left in. */
export interface SeededSubmissions {
  readonly submitted: string;
  readonly checksFailed: string;
  readonly awaitingReview: string;
  readonly rejected: string;
  readonly changesRequested: string;
  readonly withdrawn: string;
  /** amt-b's, not yet scanned: carla may not see it. */
  readonly foreign: string;
}

export interface SubmissionSite extends AsyncDisposable {
  readonly catalogue: Catalogue;
  readonly registry: TestRegistry;
  readonly server: AuthServer;
  /** `host/amt-a/node-app:1.0` in the loopback registry. */
  readonly image: string;
  principal(person: Person): Promise<Principal>;
  /** Seeds the submissions (once). */
  seed(): Promise<SeededSubmissions>;
}

export function submissionRequest(image: string, name: string) {
  return {
    image,
    name,
    description: { de: 'Node.js-Anwendung, gehärtet', en: 'Node.js application, hardened' },
    categories: ['runtime'],
    license: 'MIT',
    source: 'https://gitlab.opencode.de/amt-a/node-app',
    contact: 'plattform@amt-a.example',
  };
}

export async function submissionSite(): Promise<SubmissionSite> {
  const suite = new TestCatalogues('pglite');
  const [catalogue, registry] = await Promise.all([suite.open(), startRegistry()]);
  await importAdvisories(catalogue.store, [parseAdvisorySource(join(corpusDir(), 'osv', 'npm'))], {});
  await registry.push(fixture('node-app').ociDir, 'amt-a/node-app:1.0');
  const image = `${registry.host}/amt-a/node-app:1.0`;
  const ids = new Map<Person, string>();
  for (const slug of ['amt-a', 'amt-b', 'amt-r'])
    await createOrganisation(catalogue, system, { slug, name: `Amt ${slug.slice(4).toUpperCase()}`, contact: null });
  const people: [Person, string, 'reviewer' | null, string][] = [
    ['carla', 'Carla Beispiel', null, 'amt-a'],
    ['dora', 'Dora Muster', null, 'amt-b'],
    ['rita', 'Rita Prüferin', 'reviewer', 'amt-r'],
  ];
  for (const [login, displayName, role, organisation] of people) {
    const user = await createUser(catalogue, system, {
      login,
      displayName,
      role,
      organisations: [organisation],
      password,
    });
    ids.set(login, user.id);
  }
  const server = authServer(catalogue, { allowRegistry: [registry.host] });
  const principal = async (person: Person) => {
    const found = await loadPrincipal(catalogue.db, ids.get(person) ?? '', { kind: 'session' });
    if (!found) throw new Error(`${person}: no such user`);
    return found;
  };
  let seeded: Promise<SeededSubmissions> | undefined;
  const seed = async (): Promise<SeededSubmissions> => {
    const deps = server.deps;
    const [carla, dora, rita] = [await principal('carla'), await principal('dora'), await principal('rita')];
    const strict = new Worker({ catalogue, definitions: [scanJob(deps)], id: 'strict' });
    const lenient = new Worker({
      catalogue,
      definitions: [scanJob({ ...deps, policy: reviewablePolicy })],
      id: 'lenient',
    });
    const add = async (name: string, who = carla) => (await submit(deps, who, submissionRequest(image, name))).id;
    const checksFailed = await add('node-app');
    await strict.drain();
    const awaitingReview = await add('node-app-review');
    const rejected = await add('node-app-rejected');
    const changesRequested = await add('node-app-changes');
    await lenient.drain();
    await decide(deps, rita, rejected, { decision: 'reject', reason: 'Die Lizenzangaben fehlen.', manualChecks: [] });
    await decide(deps, rita, changesRequested, {
      decision: 'request-changes',
      reason: 'Bitte das Manifest mit runAsNonRoot nachreichen.',
      manualChecks: [],
    });
    const withdrawn = await add('node-app-withdrawn');
    await withdraw(deps, carla, withdrawn, 'Falsches Tag eingereicht.');
    const submitted = await add('node-app-neu');
    const foreign = await add('fremd-app', dora);
    return { submitted, checksFailed, awaitingReview, rejected, changesRequested, withdrawn, foreign };
  };
  return {
    catalogue,
    registry,
    server,
    image,
    principal,
    seed() {
      seeded ??= seed();
      return seeded;
    },
    async [Symbol.asyncDispose]() {
      await registry.stop();
      await suite[Symbol.asyncDispose]();
    },
  };
}

/** Signs a user in through the sign-in form: the session cookie, as a `cookie` header. */
export async function signIn(server: AuthServer, login: string): Promise<string> {
  const res = await server.request('/auth/login', {
    method: 'POST',
    headers: { ...html, 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ login, password, returnTo: '/de/' }).toString(),
  });
  const session = setCookies(res).get('sgci_session');
  if (res.status !== 303 || !session) throw new Error(`${login} could not sign in: ${res.status}`);
  return `sgci_session=${session.value}`;
}
