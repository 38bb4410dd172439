/**
 * The catalogue publishes the public half of its verdict key at GET /api/v1/keys/verdict.pub, and that file is
 * what `sgci verify-attestation --key katalog.pub --type vsa` needs: a verdict signed with the catalogue's key and
 * pushed to a real registry verifies with the served PEM, and the image page and the policy page link it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { issueVerificationSummary, planSignedAttestation, pushPlan, resolveImage } from '../../src/attest/index.ts';
import { type Catalogue, createOrganisation, createUser } from '../../src/catalogue/index.ts';
import { defaultLimits, digestOf } from '../../src/core/index.ts';
import { RegistryClient } from '../../src/oci/registry/index.ts';
import { type App, createApp } from '../../src/server/index.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { runSgci } from '../helpers/cli.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { addImage, scanFixture, testSigning } from '../helpers/page-catalogue.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { testServer } from '../helpers/server.ts';

const isolated = { unset: ['SGCI_PASSWORD', 'COSIGN_PASSWORD'], env: { DOCKER_CONFIG: '/nonexistent' } };
const password = 'correct horse battery staple';

describe('the catalogue’s verdict key, served and used by sgci verify-attestation', { skip: fixturesMissing() }, () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let app: App;
  let dir: string;
  let image: string;
  const signing = testSigning();

  before(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ limits: defaultLimits });
    dir = await mkdtemp(join(tmpdir(), 'sgci-verdict-key-'));
    suite = new TestCatalogues('pglite');
    catalogue = await suite.open();
    await createUser(catalogue, { kind: 'system' }, { login: 'ana', role: 'admin', password });
    app = createApp({ ...testServer(catalogue).deps, signing });
    image = await registry.push(fixture('distroless-static').ociDir, 'katalog/app:1');
    // the catalogue's admission: its verdict, signed with its key, attached to the image
    const resolved = await resolveImage(client, { registry: registry.host, repository: 'katalog/app', tag: '1' });
    const issued = await issueVerificationSummary(signing.signer, {
      image: { registry: registry.host, repository: 'katalog/app', digest: resolved.digest },
      verifierId: signing.verifierId,
      timeVerified: new Date('2026-12-01T08:00:00Z'),
      policy: { uri: signing.policyUri, digest: digestOf('policy'), version: '1' },
      inputAttestations: [],
      verificationResult: 'PASSED',
      checks: [{ id: 'SGCI-SEC-001', level: 'MUST', result: 'pass' }],
      validUntil: new Date('2026-12-03T08:00:00Z'),
    });
    await pushPlan(client, await planSignedAttestation(client, resolved, issued.envelope));
  });
  after(async () => {
    await client?.close();
    await registry?.stop();
    await suite?.[Symbol.asyncDispose]();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('GET /api/v1/keys/verdict.pub is the PEM that verifies the catalogue’s verdict', async () => {
    const res = await app.request('/api/v1/keys/verdict.pub');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-pem-file');
    assert.match(res.headers.get('content-disposition') ?? '', /filename="katalog\.pub"/);
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{64}"$/);
    const pem = await res.text();
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    const file = join(dir, 'katalog.pub');
    await writeFile(file, pem);
    const args = ['--key', file, '--type', 'vsa', '--now', '2026-12-02T00:00:00Z', image];
    const verified = await runSgci(['verify-attestation', ...args], isolated);
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(JSON.parse(verified.stdout.trim().split('\n')[0] ?? '{}').predicate.verificationResult, 'PASSED');
    const again = await app.request('/api/v1/keys/verdict.pub', {
      headers: { 'if-none-match': res.headers.get('etag') ?? '' },
    });
    assert.equal(again.status, 304);
  });

  test('the route is in the OpenAPI document, and the policy page links the key', async () => {
    const openapi = (await (await app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, unknown> };
    assert.ok(openapi.paths['/api/v1/keys/verdict.pub']);
    const login = await app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'ana', password }),
    });
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const page = await (await app.request('/de/verwaltung/richtlinie', { headers: { cookie } })).text();
    assert.match(page, /href="\/api\/v1\/keys\/verdict\.pub"/);
    assert.match(page, /curl -o katalog\.pub http:\/\/localhost\/api\/v1\/keys\/verdict\.pub/);
    assert.match(page, /<code>sha256:[0-9a-f]{64}<\/code>/);
  });

  test('the image page links the key beside its verification command; without a key it does not', async () => {
    await createOrganisation(catalogue, { kind: 'system' }, { slug: 'bund-a', name: 'Bundesamt A', contact: null });
    // addImage names the user `seed` as the submitter, as the pages' catalogue does
    await catalogue.db
      .insertInto('users')
      .values({ id: 'seed', login: 'seed', display_name: 'seed', role: null, created_at: catalogue.now() })
      .execute();
    const scan = await scanFixture(catalogue, 'distroless-static');
    const image = {
      name: 'app',
      organisation: 'bund-a',
      description: { de: 'Beispiel', en: 'Example' },
      categories: ['base'],
    };
    await addImage(catalogue, signing, image, [{ tag: '1', scan, daysAgo: 1, verdict: true }]);
    const page = await (await app.request('/de/katalog/app', { headers: { 'cache-control': 'no-cache' } })).text();
    assert.match(page, /<a href="\/api\/v1\/keys\/verdict\.pub" download="katalog\.pub">/);
    assert.match(page, /sgci verify-attestation --key katalog\.pub --type vsa/);
    const keyless = await (await testServer(catalogue).app.request('/de/katalog/app')).text();
    assert.match(keyless, /sgci verify-attestation --key katalog\.pub/);
    assert.doesNotMatch(keyless, /verdict\.pub/);
  });
});
