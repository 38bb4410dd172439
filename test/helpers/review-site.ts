/**
 * The catalogue as the review pages are tested on: the node-app fixture in a loopback registry, the real npm
 * advisories, a catalogue with a signing key whose policy only warns where the fixture falls short (so versions
 * reach review with manual checks), and the people of the four-eyes rule — a contributor of the submitting
 * organisation, a reviewer of another, a reviewer of the same one. Versions are submitted and scanned by the
 * catalogue's own functions and scan job, as over the API.
 */
import { join } from 'node:path';
import {
  type Catalogue,
  createUser,
  loadPrincipal,
  type Principal,
  requireUser,
  scanJob,
  submit,
  Worker,
} from '../../src/catalogue/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { registryImageAccess } from '../../src/server/image-access.ts';
import { type App, createApp, type ServerDeps } from '../../src/server/index.ts';
import { importAdvisories, parseAdvisorySource } from '../../src/vuln/index.ts';
import { TestCatalogues, type TestClock } from './catalogue.ts';
import { corpusDir, fixture } from './fixtures.ts';
import { testSigning } from './page-catalogue.ts';
import { startRegistry, type TestRegistry } from './registry.ts';
import { reviewablePolicy } from './reviewable-policy.ts';
import { testServer } from './server.ts';

export const password = 'correct horse battery staple';
const system = { kind: 'system' } as const;

/** Who signs in: `rita` reviews for another organisation, `ralf` reviews but belongs to the submitter's. */
export const people = {
  alice: { displayName: 'Alice Beispiel', role: null, organisations: ['bund-a'] },
  rita: { displayName: 'Rita Prüferin', role: 'reviewer', organisations: ['pruefstelle'] },
  ralf: { displayName: 'Ralf Kollege', role: 'reviewer', organisations: ['bund-a'] },
} as const;
export type Person = keyof typeof people;

export interface ReviewSite extends AsyncDisposable {
  readonly catalogue: Catalogue;
  readonly clock: TestClock;
  readonly deps: ServerDeps;
  readonly app: App;
  /** The same server without a signing key: nothing can be admitted. */
  readonly unsigned: App;
  /** Submits node-app as an image of this name for alice and scans it: awaiting review, with manual checks. */
  submitForReview(name: string): Promise<string>;
  /** Submits node-app under the built-in policy, which it fails: checks-failed. */
  submitFailing(name: string): Promise<string>;
  principal(person: Person): Promise<Principal>;
}

export async function reviewSite(): Promise<ReviewSite> {
  const suite = new TestCatalogues('pglite');
  let registry: TestRegistry | undefined;
  try {
    const [catalogue, started] = await Promise.all([suite.open(), startRegistry()]);
    registry = started;
    await registry.push(fixture('node-app').ociDir, 'bund-a/node-app:1.0');
    await importAdvisories(catalogue.store, [parseAdvisorySource(join(corpusDir(), 'osv', 'npm'))], {});
    const now = catalogue.now();
    await catalogue.db
      .insertInto('organisations')
      .values([
        { slug: 'bund-a', name: 'Bundesamt A', created_at: now },
        { slug: 'pruefstelle', name: 'Prüfstelle des Katalogs', created_at: now },
      ])
      .execute();
    for (const [login, p] of Object.entries(people))
      await createUser(catalogue, system, { login, password, ...p, organisations: [...p.organisations] });
    const base = testServer(catalogue, { allowRegistry: [registry.host] }).deps;
    const images = registryImageAccess({ config: base.config, logger: silentLogger, catalogue });
    const deps: ServerDeps = { ...base, policy: reviewablePolicy, images, signing: testSigning() };
    const reviewable = new Worker({ catalogue, definitions: [scanJob(deps)], id: 'review-scan' });
    const strict = new Worker({
      catalogue,
      definitions: [scanJob({ ...deps, policy: defaultPolicy })],
      id: 'strict-scan',
    });
    const reference = `${registry.host}/bund-a/node-app:1.0`;
    const principal = async (person: Person): Promise<Principal> => {
      const user = await requireUser(catalogue.db, person);
      const loaded = await loadPrincipal(catalogue.db, user.id, { kind: 'session' });
      if (!loaded) throw new Error(`${person}: no principal`);
      return loaded;
    };
    const submitAs = async (name: string, worker: Worker) => {
      const { id } = await submit(deps, await principal('alice'), {
        image: reference,
        name,
        description: { de: 'Fachanwendung des Bundesamts A', en: 'Application of Bundesamt A' },
        categories: ['application'],
        license: 'EUPL-1.2',
        source: `https://gitlab.opencode.de/bund-a/${name}`,
        contact: 'fachverfahren@bund-a.example',
      });
      await worker.drain();
      // the next one is younger: the queue's order is the submissions' age
      suite.clock.advance(10 * 60_000);
      return id;
    };
    const stopRegistry = registry;
    return {
      catalogue,
      clock: suite.clock,
      deps,
      app: createApp(deps),
      unsigned: createApp({ ...deps, signing: undefined }),
      submitForReview: (name) => submitAs(name, reviewable),
      submitFailing: (name) => submitAs(name, strict),
      principal,
      async [Symbol.asyncDispose]() {
        await stopRegistry.stop();
        await suite[Symbol.asyncDispose]();
      },
    };
  } catch (error) {
    await registry?.stop();
    await suite[Symbol.asyncDispose]();
    throw error;
  }
}
