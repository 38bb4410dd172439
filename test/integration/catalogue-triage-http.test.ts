/**
 * VEX triage over HTTP, as contributors, reviewers and anonymous readers use it, on PGlite and PostgreSQL: a
 * fixture image submitted and scanned for real (loopback registry, npm advisories), then decisions recorded, listed,
 * dry-run, found unmatched, withdrawn and exported per version. Every route answers every role as the rules say and
 * never shows one organisation's unpublished work to another.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateP256, LocalSigner, openEnvelope, parseEnvelope } from '../../src/attest/index.ts';
import {
  type Catalogue,
  catalogueVexSource,
  createApiToken,
  createOrganisation,
  createUser,
  type StoredScanResult,
  scanJob,
  versionFigures,
  Worker,
} from '../../src/catalogue/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { registryImageAccess } from '../../src/server/image-access.ts';
import { type App, createApp, type ServerDeps } from '../../src/server/index.ts';
import { importAdvisories, parseAdvisorySource } from '../../src/vuln/index.ts';
import { json } from '../helpers/accounts.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { reviewablePolicy } from '../helpers/reviewable-policy.ts';
import { testServer } from '../helpers/server.ts';

const system = { kind: 'system' } as const;
type Role = 'anonymous' | 'alice' | 'bob' | 'rita';
const day = 86_400_000;

interface Decision {
  id: string;
  state: string;
  scope: { kind: string };
  nearMisses?: { purl: string; reason: string }[];
}
interface Problem {
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
}

for (const { engine, skip } of catalogueEngines) {
  describe(`VEX triage over HTTP on ${engine}`, { skip: skip ?? fixturesMissing() }, () => {
    let suite: TestCatalogues;
    let catalogue: Catalogue;
    let registry: TestRegistry;
    let app: App;
    let unsigned: App;
    let deps: ServerDeps;
    const tokens = new Map<Role, string>();
    const key = generateP256();
    let submission: string;

    function as(role: Role, init: RequestInit = {}): RequestInit {
      const token = tokens.get(role);
      return token ? { ...init, headers: { ...(init.headers as object), authorization: `Bearer ${token}` } } : init;
    }
    const request = (role: Role, path: string, init?: RequestInit) => app.request(path, as(role, init));
    const expires = (days = 90) => new Date(catalogue.now().getTime() + days * day).toISOString();
    const imageDraft = (over: object = {}) => ({
      vulnerability: 'CVE-2022-24999',
      scope: { kind: 'image', image: 'node-app' },
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      expires: expires(),
      ...over,
    });

    before(async () => {
      suite = new TestCatalogues(engine);
      [catalogue, registry] = await Promise.all([suite.open(), startRegistry()]);
      await importAdvisories(catalogue.store, [parseAdvisorySource(join(corpusDir(), 'osv', 'npm'))], {});
      await registry.push(fixture('node-app').ociDir, 'bund-a/node-app:1.0');
      for (const slug of ['bund-a', 'bund-b', 'bund-r'])
        await createOrganisation(catalogue, system, { slug, name: slug, contact: null });
      const people: [Role, Parameters<typeof createUser>[2]][] = [
        ['alice', { login: 'alice', displayName: 'Alice', role: null, organisations: ['bund-a'] }],
        ['bob', { login: 'bob', role: null, organisations: ['bund-b'] }],
        ['rita', { login: 'rita', role: 'reviewer', organisations: ['bund-r'] }],
      ];
      for (const [role, user] of people) {
        await createUser(catalogue, system, user);
        tokens.set(role, (await createApiToken(catalogue, system, { login: user.login, label: 'test' })).token);
      }
      const base = testServer(catalogue, { allowRegistry: [registry.host] }).deps;
      deps = {
        ...base,
        policy: reviewablePolicy,
        images: registryImageAccess({
          config: base.config,
          logger: silentLogger,
          catalogue,
          policy: reviewablePolicy,
        }),
        vex: catalogueVexSource(catalogue),
        signing: {
          signer: new LocalSigner(key.privateKey, key.publicKey, 'catalogue.key'),
          verifierId: 'https://container.example',
          policyUri: 'https://container.example/api/v1/policy',
        },
      };
      app = createApp(deps);
      unsigned = createApp({ ...deps, signing: undefined });
      const submitted = await request(
        'alice',
        '/api/v1/submissions',
        json('POST', {
          image: `${registry.host}/bund-a/node-app:1.0`,
          name: 'node-app',
          description: { de: 'Node.js-Anwendung', en: 'Node.js application' },
          categories: ['runtime'],
          license: 'MIT',
          source: 'https://gitlab.opencode.de/bund-a/node-app',
          contact: 'plattform@bund-a.example',
        }),
      );
      assert.equal(submitted.status, 202, await submitted.clone().text());
      submission = ((await submitted.json()) as { id: string }).id;
      assert.equal(await new Worker({ catalogue, definitions: [scanJob(deps)], id: 'http' }).drain(), 1);
    });
    after(async () => {
      await registry?.stop();
      await suite?.[Symbol.asyncDispose]();
    });

    let imageDecision: string;
    let wideDecision: string;
    test('recording: contributors for their organisation, reviewers for any scope; 401, 403 and 404 as the rules say', async () => {
      assert.equal((await request('anonymous', '/api/v1/vex/decisions', json('POST', imageDraft()))).status, 401);
      const bob = await request('bob', '/api/v1/vex/decisions', json('POST', imageDraft()));
      assert.equal(bob.status, 404, 'the image is not public: bund-b does not learn it exists');
      const bobOrg = await request(
        'bob',
        '/api/v1/vex/decisions',
        json('POST', imageDraft({ scope: { kind: 'organisation', organisation: 'bund-a' } })),
      );
      assert.equal(bobOrg.status, 403);
      const alicePurl = await request(
        'alice',
        '/api/v1/vex/decisions',
        json('POST', imageDraft({ scope: { kind: 'purl', purl: 'pkg:npm/qs@6.7.0' } })),
      );
      assert.equal(alicePurl.status, 403);
      const created = await request('alice', '/api/v1/vex/decisions', json('POST', imageDraft()));
      assert.equal(created.status, 201, await created.clone().text());
      const decision = (await created.json()) as Decision & { author: { name: string } };
      imageDecision = decision.id;
      assert.equal(created.headers.get('location'), `/api/v1/vex/decisions/${decision.id}`);
      assert.equal(decision.author.name, 'Alice');
      const wide = await request(
        'rita',
        '/api/v1/vex/decisions',
        json('POST', {
          vulnerability: 'CVE-2021-23337',
          scope: { kind: 'purl', purl: 'pkg:npm/lodash@4.17.21' },
          status: 'affected',
          actionStatement: 'update lodash to 4.17.21',
          expires: expires(30),
        }),
      );
      assert.equal(wide.status, 201, await wide.clone().text());
      wideDecision = ((await wide.json()) as Decision).id;
    });

    test('an invalid draft is a 422 naming the field', async () => {
      const cases: [object, string][] = [
        [{ justification: undefined }, '/justification'],
        [{ status: 'affected', justification: undefined }, '/actionStatement'],
        [{ scope: { kind: 'purl', purl: 'openssl' } }, '/scope/purl'],
        [{ expires: expires(400) }, '/expires'],
        [{ expires: expires(-1) }, '/expires'],
        [{ note: 'unknown field' }, '/'],
      ];
      for (const [over, pointer] of cases) {
        const res = await request('rita', '/api/v1/vex/decisions', json('POST', imageDraft(over)));
        assert.equal(res.status, 422, JSON.stringify(over));
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        const problem = (await res.json()) as Problem;
        assert.ok(
          problem.errors?.some((e) => e.pointer === pointer),
          `${JSON.stringify(over)} → ${JSON.stringify(problem.errors)}`,
        );
      }
    });

    test('reading: catalogue-wide decisions are public, an unpublished image’s only for its organisation and reviewers', async () => {
      const ids = async (role: Role, query = '') => {
        const res = await request(role, `/api/v1/vex/decisions${query}`);
        assert.equal(res.status, 200);
        return ((await res.json()) as { items: Decision[] }).items.map((d) => d.id);
      };
      assert.deepEqual(await ids('anonymous'), [wideDecision]);
      assert.deepEqual(await ids('bob'), [wideDecision]);
      assert.deepEqual(await ids('alice'), [wideDecision, imageDecision]);
      assert.deepEqual(await ids('rita', '?vulnerability=CVE-2022-24999'), [imageDecision]);
      assert.deepEqual(await ids('rita', '?image=node-app&state=in-force'), [imageDecision]);
      assert.deepEqual(await ids('rita', '?state=withdrawn'), []);
      assert.equal((await request('bob', `/api/v1/vex/decisions/${imageDecision}`)).status, 404);
      assert.equal((await request('alice', `/api/v1/vex/decisions/${imageDecision}`)).status, 200);
      assert.equal((await request('alice', '/api/v1/vex/decisions?cursor=abc')).status, 400);
      const first = (await (await request('rita', '/api/v1/vex/decisions?limit=1')).json()) as {
        items: Decision[];
        next: string | null;
      };
      assert.deepEqual([first.items.map((d) => d.id), first.next], [[wideDecision], wideDecision]);
      const second = (await (await request('rita', `/api/v1/vex/decisions?limit=1&cursor=${first.next}`)).json()) as {
        items: Decision[];
        next: string | null;
      };
      assert.deepEqual([second.items.map((d) => d.id), second.next], [[imageDecision], null]);
    });

    test('a dry run answers what would change and saves nothing; unmatched decisions come with their near misses', async () => {
      const before = await catalogue.db.selectFrom('vex_decisions').select('id').execute();
      const res = await request(
        'alice',
        '/api/v1/vex/decisions/dry-run',
        json('POST', imageDraft({ vulnerability: 'CVE-2024-45590' })),
      );
      assert.equal(res.status, 200, await res.clone().text());
      const impact = (await res.json()) as {
        versions: { submission: string; changes: { purl: string; after: { suppressed: boolean } }[] }[];
        hidden: number;
      };
      assert.deepEqual(
        impact.versions.map((v) => [v.submission, v.changes.map((c) => [c.purl, c.after.suppressed])]),
        [[submission, [['pkg:npm/body-parser@1.19.0', true]]]],
      );
      assert.equal((await catalogue.db.selectFrom('vex_decisions').select('id').execute()).length, before.length);
      const bob = await request('bob', '/api/v1/vex/decisions/dry-run', json('POST', imageDraft()));
      assert.equal(bob.status, 404);
      const unmatched = (await (await request('rita', '/api/v1/vex/decisions?unmatched=true')).json()) as {
        items: Decision[];
      };
      assert.deepEqual(
        unmatched.items.map((d) => [d.id, d.nearMisses?.map((m) => `${m.purl}: ${m.reason}`)]),
        [[wideDecision, ['pkg:npm/lodash@4.17.20: the finding has version 4.17.20, not 4.17.21']]],
      );
    });

    test('per version: statements, OpenVEX (with ETag), CSAF, the signed attestation and the figures, for those who may see it', async () => {
      const base = `/api/v1/vex/versions/${submission}`;
      for (const path of ['', '/openvex', '/csaf', '/attestation', '/figures']) {
        assert.equal((await request('bob', `${base}${path}`)).status, 404, `bob ${path}`);
        assert.equal((await request('anonymous', `${base}${path}`)).status, 404, `anonymous ${path}`);
      }
      const statements = (await (await request('alice', base)).json()) as { statements: { id: string }[] };
      assert.deepEqual(
        statements.statements.map((s) => s.id),
        [`vex-decision-${imageDecision}`, `vex-decision-${wideDecision}`],
      );
      const openvex = await request('alice', `${base}/openvex`);
      assert.equal(openvex.status, 200);
      const etag = openvex.headers.get('etag');
      assert.ok(etag);
      const document = (await openvex.json()) as { '@context': string; statements: { status: string }[] };
      assert.equal(document['@context'], 'https://openvex.dev/ns/v0.2.0');
      assert.deepEqual(
        document.statements.map((s) => s.status),
        ['not_affected'],
        'the decision on lodash 4.17.21 meets no finding of this version',
      );
      const again = await request('alice', `${base}/openvex`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      const csaf = await request('alice', `${base}/csaf`);
      assert.equal(csaf.status, 200);
      assert.equal(((await csaf.json()) as { document: { category: string } }).document.category, 'csaf_vex');
      const attestation = await request('alice', `${base}/attestation`);
      assert.equal(attestation.status, 200);
      assert.equal(attestation.headers.get('content-type'), 'application/vnd.dsse.envelope.v1+json');
      const payload = openEnvelope(parseEnvelope(Buffer.from(await attestation.arrayBuffer()), 'vex'), key.publicKey);
      assert.ok(payload, 'signed with the catalogue key');
      assert.equal(JSON.parse(Buffer.from(payload).toString('utf8')).predicateType, 'https://openvex.dev/ns/v0.2.0');
      assert.equal((await unsigned.request(`${base}/attestation`, as('alice'))).status, 503);
      const figures = await request('alice', `${base}/figures`);
      assert.equal(figures.status, 200);
      const row = await catalogue.db
        .selectFrom('submissions')
        .select('result')
        .where('id', '=', submission)
        .executeTakeFirstOrThrow();
      const result = row.result as StoredScanResult;
      assert.deepEqual(await figures.json(), versionFigures(result.vulns, result.checks));
    });

    test('withdrawal: who may not see it gets 404, the author 200, then 409; it no longer applies', async () => {
      const path = `/api/v1/vex/decisions/${imageDecision}/withdraw`;
      assert.equal((await request('bob', path, json('POST', { reason: 'x' }))).status, 404);
      assert.equal((await request('anonymous', path, json('POST', { reason: 'x' }))).status, 401);
      const res = await request('alice', path, json('POST', { reason: 'qs wird aktualisiert' }));
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as Decision).state, 'withdrawn');
      assert.equal((await request('alice', path, json('POST', { reason: 'again' }))).status, 409);
      const statements = (await (await request('alice', `/api/v1/vex/versions/${submission}`)).json()) as {
        statements: { id: string }[];
      };
      assert.deepEqual(
        statements.statements.map((s) => s.id),
        [`vex-decision-${wideDecision}`],
      );
      assert.equal((await request('alice', `/api/v1/vex/versions/${submission}/csaf`)).status, 404, 'none applies');
    });

    test("unmatched is judged on the versions one may see: another organisation's unpublished findings stay unknown", async () => {
      const res = await request(
        'rita',
        '/api/v1/vex/decisions',
        json('POST', imageDraft({ scope: { kind: 'purl', purl: 'pkg:npm/qs@6.7.0' } })),
      );
      assert.equal(res.status, 201);
      const qs = ((await res.json()) as Decision).id;
      const unmatched = async (role: Role) =>
        (
          (await (await request(role, '/api/v1/vex/decisions?unmatched=true')).json()) as { items: Decision[] }
        ).items.map((d) => [d.id, d.nearMisses?.length]);
      assert.deepEqual(await unmatched('rita'), [[wideDecision, 1]], 'it meets the qs finding of node-app');
      assert.deepEqual(
        await unmatched('bob'),
        [
          [qs, 0],
          [wideDecision, 0],
        ],
        'bob sees no version with these findings',
      );
    });

    test('the routes are in the OpenAPI document', async () => {
      const doc = (await (await app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, unknown> };
      for (const path of [
        '/api/v1/vex/decisions',
        '/api/v1/vex/decisions/dry-run',
        '/api/v1/vex/decisions/{id}',
        '/api/v1/vex/decisions/{id}/withdraw',
        '/api/v1/vex/versions/{submission}/openvex',
        '/api/v1/vex/versions/{submission}/csaf',
        '/api/v1/vex/versions/{submission}/attestation',
        '/api/v1/vex/versions/{submission}/figures',
      ])
        assert.ok(doc.paths[path], path);
    });
  });
}
