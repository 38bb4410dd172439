/**
 * Submission → scan → review → admission over HTTP, as a contributor's CI and a reviewer use it: API tokens, the
 * real loopback registry with a fixture image, the real npm advisories, a worker draining the queue, the verdict
 * served and verifiable. Every route answers every role as the rules say, and never shows one organisation's
 * unpublished work to another.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateP256, LocalSigner, openEnvelope, parseEnvelope } from '../../src/attest/index.ts';
import {
  type Catalogue,
  createApiToken,
  createOrganisation,
  createUser,
  scanJob,
  Worker,
} from '../../src/catalogue/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { parsePolicy } from '../../src/policy/index.ts';
import { registryImageAccess } from '../../src/server/image-access.ts';
import { type App, createApp, type ServerDeps } from '../../src/server/index.ts';
import { importAdvisories, parseAdvisorySource } from '../../src/vuln/index.ts';
import { json } from '../helpers/accounts.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { testServer } from '../helpers/server.ts';

/** The node-app fixture reaches review under this policy (see catalogue-submissions.test.ts). */
const policy = parsePolicy(
  [
    'version: "1"',
    'checks:',
    ...[
      'SGCI-BASE-002',
      'SGCI-BASE-003',
      'SGCI-BUILD-007',
      'SGCI-COMP-004',
      'SGCI-RUN-008',
      'SGCI-RUN-009',
      'SGCI-VULN-002',
    ].map((id) => `  ${id}: warn`),
  ].join('\n'),
  'agency.yaml',
);

const system = { kind: 'system' } as const;
type Role = 'anonymous' | 'alice' | 'bob' | 'rita' | 'ralf' | 'admin';

describe('submissions over HTTP', { skip: fixturesMissing() }, () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let registry: TestRegistry;
  let app: App;
  let worker: Worker;
  let image: string;
  const tokens = new Map<Role, string>();
  const key = generateP256();

  function as(role: Role, init: RequestInit = {}): RequestInit {
    const token = tokens.get(role);
    return token ? { ...init, headers: { ...(init.headers as object), authorization: `Bearer ${token}` } } : init;
  }
  const submission = (name: string, reference = image) => ({
    image: reference,
    name,
    description: { de: 'Node.js-Laufzeit, gehärtet', en: 'Node.js runtime, hardened' },
    categories: ['runtime'],
    license: 'MIT',
    source: 'https://gitlab.opencode.de/bund-a/node-app',
    contact: 'plattform@bund-a.example',
  });

  before(async () => {
    suite = new TestCatalogues('pglite');
    [catalogue, registry] = await Promise.all([suite.open(), startRegistry()]);
    await importAdvisories(catalogue.store, [parseAdvisorySource(join(corpusDir(), 'osv', 'npm'))], {});
    await registry.push(fixture('node-app').ociDir, 'bund-a/node-app:1.0');
    image = `${registry.host}/bund-a/node-app:1.0`;
    for (const slug of ['bund-a', 'bund-b', 'bund-r'])
      await createOrganisation(catalogue, system, { slug, name: slug, contact: null });
    const people: [Role, Parameters<typeof createUser>[2]][] = [
      ['alice', { login: 'alice', role: null, organisations: ['bund-a'] }],
      ['bob', { login: 'bob', role: null, organisations: ['bund-b'] }],
      ['rita', { login: 'rita', role: 'reviewer', organisations: ['bund-r'] }],
      ['ralf', { login: 'ralf', role: 'reviewer', organisations: ['bund-a'] }],
      ['admin', { login: 'admin', role: 'admin' }],
    ];
    for (const [role, user] of people) {
      await createUser(catalogue, system, user);
      tokens.set(role, (await createApiToken(catalogue, system, { login: user.login, label: 'test' })).token);
    }
    const base = testServer(catalogue, { allowRegistry: [registry.host] }).deps;
    const deps: ServerDeps = {
      ...base,
      policy,
      images: registryImageAccess({ config: base.config, logger: silentLogger, catalogue, policy }),
      signing: {
        signer: new LocalSigner(key.privateKey, key.publicKey, 'catalogue.key'),
        verifierId: 'https://container.example',
        policyUri: 'https://container.example/api/v1/policy',
      },
    };
    app = createApp(deps);
    worker = new Worker({ catalogue, definitions: [scanJob(deps)], id: 'http-test' });
  });
  after(async () => {
    await registry?.stop();
    await suite?.[Symbol.asyncDispose]();
  });

  let id: string;
  test('a contributor submits with a token: 202, a Location, the digest; anonymous gets 401', async () => {
    const anonymous = await app.request('/api/v1/submissions', json('POST', submission('node-app')));
    assert.equal(anonymous.status, 401);
    const res = await app.request('/api/v1/submissions', as('alice', json('POST', submission('node-app'))));
    assert.equal(res.status, 202, await res.clone().text());
    const body = (await res.json()) as { id: string; status: string; digest: string };
    id = body.id;
    assert.equal(body.status, 'submitted');
    assert.equal(res.headers.get('location'), `/api/v1/submissions/${id}`);
  });

  test('an invalid body is problem+json naming the field; a local path is refused as the image', async () => {
    const bad = await app.request(
      '/api/v1/submissions',
      as('alice', json('POST', { ...submission('node-app'), name: 'Not A Slug' })),
    );
    assert.equal(bad.status, 422);
    assert.equal(bad.headers.get('content-type'), 'application/problem+json');
    const problem = (await bad.json()) as { errors: { pointer: string }[] };
    assert.deepEqual(
      problem.errors.map((e) => e.pointer),
      ['/name'],
    );
    const local = await app.request('/api/v1/submissions', as('alice', json('POST', submission('x', 'oci-dir:/etc'))));
    assert.equal(local.status, 422);
    const localProblem = (await local.json()) as { errors: { pointer: string; detail: string }[] };
    assert.equal(localProblem.errors[0]?.pointer, '/image');
    assert.match(localProblem.errors[0]?.detail ?? '', /only registry references/);
  });

  test('until admitted, the submission is seen by its organisation and the reviewers only', async () => {
    const expected: Record<Role, number> = { anonymous: 404, alice: 200, bob: 404, rita: 200, ralf: 200, admin: 200 };
    for (const [role, status] of Object.entries(expected) as [Role, number][]) {
      const res = await app.request(`/api/v1/submissions/${id}`, as(role));
      assert.equal(res.status, status, role);
    }
  });

  test('the worker scans it: the API shows every check with evidence and the vulnerability summary', async () => {
    assert.equal(await worker.drain(), 1);
    const res = await app.request(`/api/v1/submissions/${id}`, as('alice'));
    const view = (await res.json()) as {
      status: string;
      checks: { id: string; result: string; level: string; evidence: unknown[] }[];
      vulnerabilities: { matched: boolean; summary: { active: Record<string, number> } };
      events: unknown[];
    };
    assert.equal(view.status, 'awaiting-review');
    assert.equal(view.checks.length, 43);
    assert.ok(view.checks.every((c) => Array.isArray(c.evidence) && ['MUST', 'SHOULD'].includes(c.level)));
    assert.ok(view.vulnerabilities.matched);
    assert.ok(
      Object.values(view.vulnerabilities.summary.active).some((n) => n > 0),
      'lodash findings counted',
    );
    assert.equal(view.events.length, 3);
  });

  test('decisions: contributors 403, a reviewer of the same organisation 403, another reviewer admits', async () => {
    const view = (await (await app.request(`/api/v1/submissions/${id}`, as('rita'))).json()) as {
      checks: { id: string; result: string }[];
    };
    const manualChecks = view.checks
      .filter((c) => c.result === 'manual')
      .map((c) => ({ id: c.id, result: 'pass', note: 'im Review gesehen' }));
    const decision = { decision: 'admit', reason: 'Geprüft', manualChecks };
    const url = `/api/v1/submissions/${id}/decision`;
    assert.equal((await app.request(url, json('POST', decision))).status, 401);
    assert.equal((await app.request(url, as('alice', json('POST', decision)))).status, 403);
    const ralf = await app.request(url, as('ralf', json('POST', decision)));
    assert.equal(ralf.status, 403);
    assert.match(((await ralf.json()) as { detail: string }).detail, /four eyes/);
    const missing = await app.request(url, as('rita', json('POST', { ...decision, manualChecks: [] })));
    assert.equal(missing.status, 409);
    const admitted = await app.request(url, as('rita', json('POST', decision)));
    assert.equal(admitted.status, 200, await admitted.clone().text());
    assert.deepEqual(await admitted.json(), { status: 'admitted' });
    assert.equal((await app.request(url, as('rita', json('POST', decision)))).status, 409, 'decided once');
  });

  test('once admitted it is public, and its verdict is signed by the catalogue key', async () => {
    const res = await app.request(`/api/v1/submissions/${id}`);
    assert.equal(res.status, 200);
    const view = (await res.json()) as { status: string; decisions: { reviewer: string }[] };
    assert.equal(view.status, 'admitted');
    const verdict = await catalogue.db
      .selectFrom('verdicts')
      .select('envelope')
      .where('submission', '=', id)
      .executeTakeFirstOrThrow();
    assert.ok(parseEnvelope(Buffer.from(verdict.envelope), 'verdict').signatures.length === 1);
    assert.ok(
      openEnvelope(parseEnvelope(Buffer.from(verdict.envelope), 'verdict'), generateP256().publicKey) === undefined,
    );
  });

  test('withdrawal: another organisation 403, anonymous 401; the own organisation withdraws', async () => {
    const url = `/api/v1/submissions/${id}/withdraw`;
    assert.equal((await app.request(url, as('bob', json('POST', { reason: 'x' })))).status, 403);
    assert.equal((await app.request(url, json('POST', { reason: 'x' }))).status, 401);
    const done = await app.request(url, as('alice', json('POST', { reason: 'ersetzt durch 1.1' })));
    assert.equal(done.status, 200);
    assert.deepEqual(await done.json(), { status: 'withdrawn' });
  });

  test('the list shows each role what it may see, newest first, a page at a time', async () => {
    const ids = async (role: Role, query = '') => {
      const res = await app.request(`/api/v1/submissions${query}`, as(role));
      assert.equal(res.status, 200);
      return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id);
    };
    suite.clock.advance(1_000); // newest first: the second submission is a second later
    const second = await app.request('/api/v1/submissions', as('alice', json('POST', submission('node-app-next'))));
    const pending = ((await second.json()) as { id: string }).id;
    assert.deepEqual(await ids('alice'), [pending, id], 'the organisation sees its pending and its withdrawn one');
    assert.deepEqual(await ids('bob'), [], 'another organisation sees neither');
    assert.deepEqual(await ids('anonymous'), []);
    assert.deepEqual(await ids('rita', '?status=submitted'), [pending], 'the reviewers see the queue');
    const first = (await (await app.request('/api/v1/submissions?limit=1', as('rita'))).json()) as {
      items: { id: string }[];
      next: string;
    };
    assert.deepEqual(
      first.items.map((i) => i.id),
      [pending],
    );
    assert.deepEqual(await ids('rita', `?limit=1&cursor=${first.next}`), [id]);
    const bad = await app.request('/api/v1/submissions?cursor=nonsense', as('rita'));
    assert.equal(bad.status, 422);
    assert.equal(((await bad.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer, '/cursor');
  });

  test('a path that is not a submission id is a 400 naming the parameter', async () => {
    const res = await app.request('/api/v1/submissions/not-a-uuid', as('alice'));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { detail: string }).detail, /^param \/id: /);
  });

  test('too many submissions in an hour: 429 with Retry-After, for the user and not for others', async () => {
    const limited = testServer(catalogue, {
      allowRegistry: [registry.host],
      submissionsPerHour: { user: 1, organisation: 50 },
    });
    const res = await limited.app.request('/api/v1/submissions', as('alice', json('POST', submission('node-app-2'))));
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.match(((await res.json()) as { detail: string }).detail, /too many submissions/);
    const other = await limited.app.request('/api/v1/submissions', as('bob', json('POST', submission('bob-app'))));
    assert.equal(other.status, 202, 'bob has his own budget');
  });
});
