/**
 * The public API's response cache with two server instances on one database: instance A changes the catalogue
 * (admits, re-evaluates, signs, withdraws, over its API or its services), instance B has the list and the image page
 * cached, and B's very next anonymous request shows the change, because the database notifies every listening
 * instance. On PostgreSQL A and B are two catalogues (two pools, two listening sessions) as two processes would
 * be; on PGlite, whose database lives in one process, two apps with their own caches on one catalogue.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { generateP256, LocalSigner } from '../../src/attest/index.ts';
import {
  actorOf,
  type Catalogue,
  type CatalogueServices,
  createApiToken,
  createOrganisation,
  createUser,
  issueVerdict,
  type Principal,
  recordScanResult,
  type StoredScanResult,
  scanJob,
  submissionView,
  submit,
  verdictValidityMs,
  Worker,
} from '../../src/catalogue/index.ts';
import { checks } from '../../src/checks/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { parsePolicy } from '../../src/policy/index.ts';
import { registryImageAccess } from '../../src/server/image-access.ts';
import { type App, createApp } from '../../src/server/index.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { testServer } from '../helpers/server.ts';

const system = { kind: 'system' } as const;
const base = 'https://katalog.example';
const lenient = parsePolicy(
  ['version: "1"', 'checks:', ...checks.map((c) => `  ${c.id}: warn`)].join('\n'),
  'lenient.yaml',
);

interface Listed {
  items: { name: string; latest: { signed: boolean; vulnerabilities: { evaluatedAt: string } } }[];
}

for (const { engine, skip } of catalogueEngines) {
  describe(`the public API's response cache on ${engine}`, { skip: skip ?? fixturesMissing() }, () => {
    let suite: TestCatalogues;
    let catalogueA: Catalogue;
    let catalogueB: Catalogue;
    let registry: TestRegistry;
    let services: CatalogueServices;
    let appA: App;
    let appB: App;
    let work: string;
    let submission: string;
    const tokens = new Map<string, string>();
    const principals = new Map<string, Principal>();

    async function person(login: string, role: Principal['role'], organisations: string[]): Promise<void> {
      const user = await createUser(catalogueA, system, { login, displayName: login, role, organisations });
      tokens.set(login, (await createApiToken(catalogueA, system, { login, label: 'test' })).token);
      principals.set(login, {
        userId: user.id,
        login,
        displayName: login,
        role,
        organisations,
        via: { kind: 'session' },
      });
    }

    function request(app: App, path: string, init: RequestInit & { as?: string } = {}): Promise<Response> {
      const { as, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (as) headers.set('authorization', `Bearer ${tokens.get(as)}`);
      if (rest.body) headers.set('content-type', 'application/json');
      return Promise.resolve(app.request(path, { ...rest, headers }));
    }

    /** B's list, and whether it came from B's cache. */
    async function listOnB(path = '/api/v1/images'): Promise<{ cache: string | null; body: Listed; etag: string }> {
      const response = await request(appB, path);
      assert.equal(response.status, 200);
      return {
        cache: response.headers.get('x-cache'),
        body: (await response.json()) as Listed,
        etag: response.headers.get('etag') ?? '',
      };
    }

    before(async () => {
      suite = new TestCatalogues(engine);
      [catalogueA, registry] = await Promise.all([suite.open(), startRegistry()]);
      catalogueB = engine === 'postgres' ? await suite.open() : catalogueA;
      work = mkdtempSync(join(tmpdir(), 'sgci-response-cache-'));
      await createOrganisation(catalogueA, system, { slug: 'bund-a', name: 'Behörde A', contact: null });
      await createOrganisation(catalogueA, system, { slug: 'bund-r', name: 'Behörde R', contact: null });
      await person('alice', null, ['bund-a']);
      await person('rita', 'reviewer', ['bund-r']);
      await registry.push(fixture('distroless-static').ociDir, 'bund-a/static:1.0');
      const key = generateP256();
      services = {
        catalogue: catalogueA,
        images: registryImageAccess({
          config: { insecureRegistry: [], allowRegistry: [registry.host] },
          logger: silentLogger,
        }),
        policy: lenient,
        signing: {
          signer: new LocalSigner(key.privateKey, key.publicKey, 'catalogue.key'),
          verifierId: base,
          policyUri: `${base}/api/v1/policy`,
        },
      };
      appA = createApp({ ...testServer(catalogueA, { publicUrl: base }).deps, ...services });
      appB = testServer(catalogueB, { publicUrl: base }).app;
      const accepted = await submit(services, principals.get('alice') as Principal, {
        image: `${registry.host}/bund-a/static:1.0`,
        name: 'static',
        description: { de: 'Statisches Basis-Image, gehärtet', en: 'Static base image, hardened' },
        categories: ['base'],
        license: 'Apache-2.0',
        source: 'https://gitlab.opencode.de/bund-a/static',
        contact: 'plattform@bund-a.example',
      });
      submission = accepted.id;
      const worker = new Worker({ catalogue: catalogueA, definitions: [scanJob(services)], id: 'cache-test' });
      assert.equal(await worker.drain(), 1);
    });

    after(async () => {
      await registry?.stop();
      await suite?.[Symbol.asyncDispose]();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('an anonymous read is kept: the same bytes and ETag again, 304 on If-None-Match; signed-in reads pass by', async () => {
      const first = await listOnB();
      const second = await listOnB();
      assert.equal(first.cache, 'miss');
      assert.equal(second.cache, 'hit');
      assert.deepEqual(second.body, first.body);
      assert.equal(second.etag, first.etag);
      const revalidated = await request(appB, '/api/v1/images', { headers: { 'if-none-match': first.etag } });
      assert.equal(revalidated.status, 304);
      assert.equal(revalidated.headers.get('etag'), first.etag);
      const signedIn = await request(appB, '/api/v1/images', { as: 'alice' });
      assert.equal(signedIn.status, 200);
      assert.equal(signedIn.headers.get('x-cache'), null);
      // an invalid query is refused as before, and nothing of it is kept
      for (let i = 0; i < 2; i++) {
        const bad = await request(appB, '/api/v1/images?limit=0');
        assert.equal(bad.status, 400);
      }
    });

    test("an admission over A's API is in B's cached list and image page at once", async () => {
      assert.deepEqual((await listOnB()).body.items, []);
      assert.equal((await listOnB()).cache, 'hit');
      assert.equal((await request(appB, '/api/v1/images/static')).status, 404);
      const manual = (await submissionView(catalogueA.db, principals.get('rita'), submission)).checks.filter(
        (c) => c.result === 'manual',
      );
      const decided = await request(appA, `/api/v1/submissions/${submission}/decision`, {
        method: 'POST',
        as: 'rita',
        body: JSON.stringify({
          decision: 'admit',
          reason: 'Geprüft',
          manualChecks: manual.map((c) => ({ id: c.id, result: 'pass', note: 'im Review gesehen' })),
        }),
      });
      assert.equal(decided.status, 200, await decided.clone().text());
      const after = await listOnB();
      assert.equal(after.cache, 'miss');
      assert.deepEqual(
        after.body.items.map((i) => [i.name, i.latest.signed]),
        [['static', true]],
      );
      const page = await request(appB, '/api/v1/images/static');
      assert.equal(page.status, 200);
      assert.equal((await listOnB()).cache, 'hit');
    });

    test("a re-evaluated result recorded on A is in B's list at once, counted as the version's figures say", async () => {
      const before = await listOnB('/api/v1/images?q=hardened');
      assert.equal((await listOnB('/api/v1/images?q=hardened')).cache, 'hit');
      const row = await catalogueA.db
        .selectFrom('submissions')
        .select('result')
        .where('id', '=', submission)
        .executeTakeFirstOrThrow();
      const result = row.result as StoredScanResult;
      const evaluatedAt = new Date(Date.parse(result.vulns.evaluatedAt) + 3_600_000).toISOString();
      await catalogueA.transaction((tx) =>
        recordScanResult(tx, submission, { ...result, vulns: { ...result.vulns, evaluatedAt } }),
      );
      const after = await listOnB('/api/v1/images?q=hardened');
      assert.equal(after.cache, 'miss');
      assert.notEqual(before.body.items[0]?.latest.vulnerabilities.evaluatedAt, evaluatedAt);
      assert.equal(after.body.items[0]?.latest.vulnerabilities.evaluatedAt, evaluatedAt);
    });

    test('an edited image entry on A is searched by its new words on B at once', async () => {
      assert.equal((await listOnB('/api/v1/images?q=hardened')).body.items.length, 1);
      assert.equal((await listOnB('/api/v1/images?q=hardened')).cache, 'hit');
      await catalogueA.db
        .updateTable('images')
        .set({ description_en: 'Static base image, minimal' })
        .where('name', '=', 'static')
        .execute();
      const stale = await listOnB('/api/v1/images?q=hardened');
      assert.equal(stale.cache, 'miss');
      assert.deepEqual(stale.body.items, []);
      assert.deepEqual(
        (await listOnB('/api/v1/images?q=minimal')).body.items.map((i) => i.name),
        ['static'],
      );
    });

    test('what changes with time alone shows after the TTL; a new verdict issued on A shows on B at once', async () => {
      await listOnB();
      assert.equal((await listOnB()).cache, 'hit');
      suite.clock.advance(9_999);
      assert.equal((await listOnB()).cache, 'hit');
      suite.clock.advance(1);
      assert.equal((await listOnB()).cache, 'miss');
      // past the verdict's validity: unsigned, once the cached "signed" has aged out
      suite.clock.advance(verdictValidityMs(lenient));
      const expired = await listOnB();
      assert.equal(expired.cache, 'miss');
      assert.equal(expired.body.items[0]?.latest.signed, false);
      assert.equal((await listOnB()).cache, 'hit');
      const version = await catalogueA.db
        .selectFrom('submissions')
        .innerJoin('images', 'images.name', 'submissions.image')
        .select(['submissions.digest', 'submissions.result', 'images.repository'])
        .where('submissions.id', '=', submission)
        .executeTakeFirstOrThrow();
      await catalogueA.transaction((tx) =>
        issueVerdict(
          tx,
          services.signing as NonNullable<CatalogueServices['signing']>,
          lenient,
          {
            submission,
            image: 'static',
            repository: version.repository,
            digest: version.digest,
            organisation: 'bund-a',
            result: version.result as StoredScanResult,
            manualChecks: [],
          },
          actorOf(principals.get('rita') as Principal),
          catalogueA.now(),
        ),
      );
      const renewed = await listOnB();
      assert.equal(renewed.cache, 'miss');
      assert.equal(renewed.body.items[0]?.latest.signed, true);
    });

    test('a lost listening session: nothing is served from the cache until it is back, nothing missed meanwhile', {
      skip: engine === 'postgres' ? undefined : 'PGlite has no connection to lose',
    }, async () => {
      await request(appB, '/api/v1/images/static');
      assert.equal((await request(appB, '/api/v1/images/static')).headers.get('x-cache'), 'hit');
      const ended = await sql`select pg_terminate_backend(pid) from pg_stat_activity
            where application_name = 'sgci-listen'`.execute(catalogueA.db);
      // B's, and A's once A has served an anonymous read: each catalogue listens from its first one on
      assert.ok(ended.rows.length >= 1);
      // wait for the event, not for time: until the server has ended them
      for (let left = ended.rows.length; left > 0; ) {
        const rows = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
              where application_name = 'sgci-listen'`.execute(catalogueA.db);
        left = rows.rows[0]?.n ?? 0;
      }
      // a change nobody hears: B must not serve its entry from before it
      await catalogueA.db.updateTable('images').set({ license: 'MIT' }).where('name', '=', 'static').execute();
      const unheard = await request(appB, '/api/v1/images/static');
      assert.equal(unheard.headers.get('x-cache'), null);
      assert.equal(((await unheard.json()) as { license: string }).license, 'MIT');
      assert.equal((await listOnB()).cache, null);
      suite.clock.advance(5_000);
      assert.equal((await listOnB()).cache, 'miss');
      assert.equal((await listOnB()).cache, 'hit');
    });

    test("a withdrawal over A's API empties B's cached list at once", async () => {
      assert.equal((await listOnB()).body.items.length, 1);
      assert.equal((await listOnB()).cache, 'hit');
      const withdrawn = await request(appA, `/api/v1/submissions/${submission}/withdraw`, {
        method: 'POST',
        as: 'alice',
        body: JSON.stringify({ reason: 'ersetzt' }),
      });
      assert.equal(withdrawn.status, 200, await withdrawn.clone().text());
      const after = await listOnB();
      assert.equal(after.cache, 'miss');
      assert.deepEqual(after.body.items, []);
      assert.equal((await request(appB, '/api/v1/images/static')).status, 404);
    });
  });
}
