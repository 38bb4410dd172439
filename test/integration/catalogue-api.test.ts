/**
 * The public catalogue API over the real flow: every fixture image is pushed to the loopback registry, submitted,
 * scanned against the real npm and PyPI advisories, admitted with a signed verdict, and then read back through
 * `/api/v1/images` as a consumer would: the list, search and filters, the image with its versions, each version's
 * SBOM, VEX, reports and verdict, the export and the feed. The consistency test runs the real `sgci vulns` on the
 * downloaded SBOM and VEX against its own SQLite store holding the same advisories: every count the API shows for a
 * version is the count the CLI computes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { create } from 'xmlbuilder2';
import { generateP256, LocalSigner, openEnvelope, parseEnvelope, writeKeyPair } from '../../src/attest/index.ts';
import {
  appendEvent,
  type Catalogue,
  type CatalogueServices,
  createApiToken,
  createOrganisation,
  createUser,
  decide,
  disableUser,
  type ImageSummary,
  type Principal,
  scanJob,
  submissionView,
  submit,
  type VersionEntry,
  vulnerabilityFigures,
  Worker,
  withdraw,
} from '../../src/catalogue/index.ts';
import { checks } from '../../src/checks/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { defaultPolicy, parsePolicy, slaPolicyOf } from '../../src/policy/index.ts';
import { registryImageAccess } from '../../src/server/image-access.ts';
import { createApp, type ServerDeps } from '../../src/server/index.ts';
import { importAdvisories, parseAdvisorySource, parseVex, type VulnReport } from '../../src/vuln/index.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { runMain } from '../helpers/cli.ts';
import { corpusDir, type FixtureName, fixture, fixtureNames, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { testServer } from '../helpers/server.ts';

const system = { kind: 'system' } as const;
const base = 'https://katalog.example';
const hour = 3_600_000;
const day = 24 * hour;

/** An agency that only warns on every check: each fixture, however it falls short, reaches review and admission. */
const lenientYaml = ['version: "1"', 'checks:', ...checks.map((c) => `  ${c.id}: warn`)].join('\n');
const lenient = parsePolicy(lenientYaml, 'lenient.yaml');

/** The advisories the fixtures' packages are matched against, in the catalogue and in the CLI's own store. */
const corpora = ['npm', 'pypi'].map((name) => join(corpusDir(), 'osv', name));

const categoryOf: Readonly<Record<FixtureName, string>> = {
  'debian-full': 'base',
  'debian-ssh-secrets': 'base',
  'distroless-static': 'base',
  'node-app': 'runtime',
  'python-app': 'runtime',
};

/** Every fixture says the same in both languages, so a search for it ties and the name orders the ties. */
function description(name: FixtureName): { de: string; en: string } {
  return name === 'python-app'
    ? { de: 'Python-Anwendung mit Vorlagen, gehärtet', en: 'Python application with templates, hardened' }
    : { de: 'Abbild für den Betrieb, gehärtet', en: 'Image for operations, hardened' };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe('catalogue API on pglite', { skip: fixturesMissing() }, () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let registry: TestRegistry;
  let services: CatalogueServices;
  let deps: ServerDeps;
  let app: ReturnType<typeof createApp>;
  let worker: Worker;
  let work: string;
  let cliHome: string;
  const principals = new Map<string, Principal>();
  const tokens = new Map<string, string>();
  const admitted = new Map<FixtureName, { id: string; digest: string }>();

  async function person(login: string, role: Principal['role'], organisations: string[]): Promise<Principal> {
    const user = await createUser(catalogue, system, { login, displayName: `${login} Muster`, role, organisations });
    tokens.set(login, (await createApiToken(catalogue, system, { login, label: 'test' })).token);
    const principal: Principal = {
      userId: user.id,
      login,
      displayName: login,
      role,
      organisations,
      via: { kind: 'session' },
    };
    principals.set(login, principal);
    return principal;
  }

  function get(path: string, as?: string, headers: Record<string, string> = {}): Promise<Response> {
    const token = as === undefined ? undefined : tokens.get(as);
    return Promise.resolve(
      app.request(path, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } }),
    );
  }

  async function json<T>(path: string, as?: string): Promise<T> {
    const response = await get(path, as);
    assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return (await response.json()) as T;
  }

  async function admit(id: string): Promise<void> {
    const rita = principals.get('rita') as Principal;
    const manual = (await submissionView(catalogue.db, rita, id)).checks.filter((c) => c.result === 'manual');
    await decide(services, rita, id, {
      decision: 'admit',
      reason: 'Geprüft',
      manualChecks: manual.map((c) => ({ id: c.id, result: 'pass' as const, note: 'im Review gesehen' })),
    });
  }

  before(async () => {
    suite = new TestCatalogues('pglite');
    [catalogue, registry] = await Promise.all([suite.open(), startRegistry()]);
    work = mkdtempSync(join(tmpdir(), 'sgci-catalogue-api-'));
    cliHome = join(work, 'cli-home');
    for (const slug of ['bund-a', 'bund-b', 'bund-r'])
      await createOrganisation(catalogue, system, { slug, name: `Behörde ${slug}`, contact: null });
    const alice = await person('alice', null, ['bund-a']);
    const bob = await person('bob', null, ['bund-b']);
    await person('rita', 'reviewer', ['bund-r']);
    await person('ada', 'admin', []);
    await importAdvisories(
      catalogue.store,
      corpora.map((dir) => parseAdvisorySource(dir)),
      {},
    );
    for (const name of fixtureNames) await registry.push(fixture(name).ociDir, `bund-a/${name}:1.0`);
    await registry.push(fixture('debian-full').ociDir, 'bund-b/debian-full:1.0');
    const key = generateP256();
    await writeKeyPair(join(work, 'catalogue'), key.privateKey, key.publicKey, 'pw');
    const test = testServer(catalogue, { publicUrl: base, allowRegistry: [registry.host] });
    services = {
      catalogue,
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
    deps = { ...test.deps, ...services };
    app = createApp(deps);
    worker = new Worker({ catalogue, definitions: [scanJob(services)], id: 'api-test' });
    const lodashProduct = `pkg:oci/node-app?repository_url=${registry.host}/bund-a/node-app`;
    for (const name of fixtureNames) {
      const vex =
        name === 'node-app'
          ? [
              {
                name: 'lodash.openvex.json',
                content: JSON.stringify({
                  '@context': 'https://openvex.dev/ns/v0.2.0',
                  '@id': 'https://bund-a.example/vex/1',
                  author: 'bund-a',
                  timestamp: '2026-11-01T00:00:00Z',
                  version: 1,
                  statements: [
                    {
                      vulnerability: { name: 'CVE-2020-28500' },
                      products: [{ '@id': lodashProduct, subcomponents: [{ '@id': 'pkg:npm/lodash@4.17.20' }] }],
                      status: 'not_affected',
                      justification: 'vulnerable_code_not_in_execute_path',
                    },
                    {
                      vulnerability: { name: 'CVE-2021-23337' },
                      products: [{ '@id': lodashProduct, subcomponents: [{ '@id': 'pkg:npm/lodash' }] }],
                      status: 'affected',
                      action_statement: 'Vorlagen nur aus dem Image selbst; Update auf 4.17.21 geplant',
                    },
                    {
                      vulnerability: { name: 'CVE-1999-0001' },
                      products: [{ '@id': 'pkg:oci/another-image' }],
                      status: 'not_affected',
                      justification: 'component_not_present',
                    },
                  ],
                }),
              },
            ]
          : undefined;
      const accepted = await submit(services, alice, {
        image: `${registry.host}/bund-a/${name}:1.0`,
        name,
        description: description(name),
        categories: [categoryOf[name]],
        license: 'MIT',
        source: `https://gitlab.opencode.de/bund-a/${name}`,
        contact: 'plattform@bund-a.example',
        ...(vex ? { vex } : {}),
      });
      admitted.set(name, { id: accepted.id, digest: accepted.digest });
    }
    // another organisation's image, still in review: seen by its members and the reviewers only
    await submit(services, bob, {
      image: `${registry.host}/bund-b/debian-full:1.0`,
      name: 'bund-b-basis',
      description: { de: 'Unveröffentlicht, gehärtet', en: 'Unpublished, hardened' },
      categories: ['base'],
      license: 'MIT',
      source: 'https://gitlab.opencode.de/bund-b/basis',
      contact: 'plattform@bund-b.example',
    });
    assert.equal(await worker.drain(), fixtureNames.length + 1);
    for (const { id } of admitted.values()) await admit(id);
    // the CLI's own store: the same advisories, imported by the CLI
    for (const dir of corpora) {
      const imported = await runMain(['db', 'import', dir], { env: { SGCI_HOME: cliHome }, unset: ['DATABASE_URL'] });
      assert.equal(imported.code, 0, imported.stderr);
    }
  });

  after(async () => {
    await registry?.stop();
    await suite?.[Symbol.asyncDispose]();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const versionPath = (name: FixtureName) => `/api/v1/images/${name}/versions/${admitted.get(name)?.digest}`;

  /**
   * `sgci vulns SBOM --vex VEX --now <evaluatedAt> -o json` in its own SGCI_HOME: what a consumer computes. The
   * catalogue's policy keeps the built-in SLA windows (asserted below), which is what the CLI applies.
   */
  async function cliReport(name: FixtureName, vexFormat: string, evaluatedAt: string): Promise<VulnReport> {
    const sbom = await get(`${versionPath(name)}/sbom`);
    const vex = await get(`${versionPath(name)}/vex?format=${vexFormat}`);
    assert.equal(sbom.status, 200);
    assert.equal(vex.status, 200);
    const sbomFile = join(work, `${name}.cdx.json`);
    const vexFile = join(work, `${name}.${vexFormat}.json`);
    writeFileSync(sbomFile, await sbom.text());
    writeFileSync(vexFile, await vex.text());
    const run = await runMain(['vulns', sbomFile, '--vex', vexFile, '--now', evaluatedAt, '-o', 'json'], {
      env: { SGCI_HOME: cliHome },
      unset: ['DATABASE_URL'],
    });
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as VulnReport;
  }

  test("the catalogue's SLA windows are the CLI's defaults, so both count the same findings overdue", () => {
    assert.deepEqual(slaPolicyOf(lenient), slaPolicyOf(defaultPolicy));
  });

  for (const name of fixtureNames) {
    test(`consistency: every count the API shows for ${name} is what sgci vulns computes from its SBOM and VEX`, async () => {
      const image = await json<{ versions: VersionEntry[] }>(`/api/v1/images/${name}`);
      const figures = image.versions[0]?.figures?.vulnerabilities;
      assert.ok(figures?.matched, 'matched against the imported advisories');
      const listed = await json<{ items: ImageSummary[] }>(`/api/v1/images?q=${name}`);
      assert.deepEqual(listed.items.find((i) => i.name === name)?.latest.vulnerabilities, figures);
      for (const format of name === 'node-app' ? ['openvex', 'cyclonedx', 'csaf'] : ['openvex']) {
        const report = await cliReport(name, format, figures.evaluatedAt);
        assert.deepEqual(
          { ...vulnerabilityFigures(report, true), advisories: figures.advisories },
          figures,
          `${name} with ${format} VEX`,
        );
        assert.deepEqual(report.summary, {
          active: figures.open,
          suppressed: figures.suppressed,
          osOwnedUpstream: figures.osOwnedUpstream,
          overdue: figures.overdue,
        });
        assert.equal(report.database.advisories, figures.advisories, 'the same advisories on both sides');
      }
    });
  }

  test('the fixtures give the consistency test something to count: open, fixable, overdue, suppressed', async () => {
    const node = (await json<{ versions: VersionEntry[] }>('/api/v1/images/node-app')).versions[0]?.figures;
    const v = node?.vulnerabilities;
    assert.ok(v);
    assert.equal(v.suppressed, 1, "the contributor's not_affected statement for CVE-2020-28500");
    assert.ok(Object.values(v.open).reduce((a, b) => a + b, 0) > 0);
    assert.ok(Object.values(v.fixable).reduce((a, b) => a + b, 0) > 0);
    assert.ok(v.overdue > 0, 'lodash fixes published years before the clock');
    assert.deepEqual(node?.ecosystems.includes('npm'), true);
    const python = (await json<{ versions: VersionEntry[] }>('/api/v1/images/python-app')).versions[0]?.figures;
    assert.ok(python?.ecosystems.includes('pypi'));
  });

  type Page = { items: ImageSummary[]; next: string | null };
  const sorted = [...fixtureNames].sort();
  const listOf = async (query: string, as?: string) =>
    (await json<Page>(`/api/v1/images?limit=100${query ? `&${query}` : ''}`, as)).items.map((i) => i.name);

  test('the list shows each image with a public version once, with its newest public version; nothing unpublished', async () => {
    const page = await json<Page>('/api/v1/images?limit=100');
    assert.deepEqual(
      page.items.map((i) => i.name),
      sorted,
    );
    assert.equal(page.next, null);
    assert.deepEqual(await listOf('', 'rita'), sorted, 'a reviewer sees the same public list');
    const node = page.items.find((i) => i.name === 'node-app');
    assert.equal(node?.organisation, 'bund-a');
    assert.deepEqual(node?.description, description('node-app'));
    assert.deepEqual(node?.categories, ['runtime']);
    assert.equal(node?.license, 'MIT');
    assert.equal(node?.latest.digest, admitted.get('node-app')?.digest);
    assert.equal(node?.latest.status, 'admitted');
    assert.deepEqual(node?.latest.tags, ['1.0']);
    assert.equal(node?.latest.admittedAt, catalogue.now().toISOString());
    assert.deepEqual(node?.latest.checks, { baseline: 'passed' });
    assert.equal(node?.latest.signed, true, 'its verdict is valid now');
    assert.equal(node?.orphaned, false);
    assert.equal(node?.orphanedReason, null);
  });

  test('pages follow an opaque keyset cursor: every image exactly once, also when a search ranks them all alike', async () => {
    for (const query of ['', `q=${encodeURIComponent('gehärtet')}&`]) {
      const seen: string[] = [];
      let next: string | null = null;
      let pages = 0;
      do {
        const page: Page = await json<Page>(`/api/v1/images?${query}limit=2${next ? `&cursor=${next}` : ''}`);
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((i) => i.name));
        next = page.next;
        pages++;
      } while (next);
      assert.equal(pages, 3, query);
      assert.deepEqual(seen, sorted, `${query || 'by name'}: no image twice, none missing; ties ordered by name`);
    }
  });

  test('search in German and English: stems of either description and the name find an image', async () => {
    assert.deepEqual(await listOf(`q=${encodeURIComponent('gehärtet')}`), sorted);
    assert.deepEqual(await listOf('q=hardened'), sorted);
    assert.deepEqual(await listOf('q=Vorlage'), ['python-app'], 'German stem: Vorlagen');
    assert.deepEqual(await listOf('q=template'), ['python-app'], 'English stem: templates');
    assert.deepEqual(await listOf('q=node-app'), ['node-app']);
    assert.deepEqual(await listOf(`q=${encodeURIComponent('"Python-Anwendung" gehärtet')}`), ['python-app']);
    assert.deepEqual(await listOf('q=xylophon'), []);
    assert.deepEqual(await listOf('q=Unver%C3%B6ffentlicht'), [], 'an unpublished image is not found');
  });

  test('each filter narrows to the images whose newest public version has the property', async () => {
    const all = (await json<Page>('/api/v1/images?limit=100')).items;
    const fixable = (i: ImageSummary, severities: readonly string[]) =>
      severities.reduce((n, s) => n + i.latest.vulnerabilities.fixable[s as 'HIGH'], 0) > 0;
    const cases: [string, (i: ImageSummary) => boolean][] = [
      ['category=runtime', (i) => categoryOf[i.name as FixtureName] === 'runtime'],
      ['category=base', (i) => categoryOf[i.name as FixtureName] === 'base'],
      ['organisation=bund-a', () => true],
      ['organisation=bund-b', () => false],
      ['distro=debian', () => true],
      ['distro=debian&distroVersion=12', () => true],
      ['distro=debian&distroVersion=11', () => false],
      ['distro=alpine', () => false],
      ['ecosystem=npm', (i) => i.name === 'node-app'],
      ['ecosystem=pypi', (i) => i.name === 'python-app'],
      ['ecosystem=deb', () => true],
      ['baseline=passed', () => true],
      ['baseline=failed', () => false],
      ['fixable=critical', (i) => fixable(i, ['CRITICAL'])],
      ['fixable=high', (i) => fixable(i, ['CRITICAL', 'HIGH'])],
      ['fixable=medium', (i) => fixable(i, ['CRITICAL', 'HIGH', 'MEDIUM'])],
      ['fixable=low', (i) => fixable(i, ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'])],
      ['fixable=any', (i) => fixable(i, ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE', 'UNKNOWN'])],
      ['fixable=none', (i) => !fixable(i, ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE', 'UNKNOWN'])],
      ['sla=overdue', (i) => i.latest.vulnerabilities.overdue > 0],
      ['sla=ok', (i) => i.latest.vulnerabilities.overdue === 0],
      ['signed=true', (i) => i.latest.signed],
      ['signed=false', (i) => !i.latest.signed],
      ['ecosystem=npm&sla=overdue&fixable=high', (i) => i.name === 'node-app'],
      [`q=${encodeURIComponent('gehärtet')}&category=runtime`, (i) => categoryOf[i.name as FixtureName] === 'runtime'],
    ];
    for (const [query, expected] of cases)
      assert.deepEqual(
        await listOf(query),
        all.filter(expected).map((i) => i.name),
        query,
      );
    // the fixtures tell the severities apart: node-app has fixable HIGH findings and no CRITICAL one
    assert.deepEqual(await listOf('fixable=high'), ['node-app']);
    assert.deepEqual(await listOf('fixable=critical'), []);
    assert.deepEqual(await listOf('sla=overdue'), ['node-app']);
  });

  test('a bad cursor, filter or parameter is problem+json naming it', async () => {
    const firstPage = await json<Page>('/api/v1/images?limit=2');
    const bad: [string, string][] = [
      ['/api/v1/images?cursor=not*a*cursor', '/cursor'],
      [`/api/v1/images?cursor=${Buffer.from('{"x":1}').toString('base64url')}`, '/cursor'],
      [`/api/v1/images?q=hardened&cursor=${firstPage.next}`, '/cursor'],
      ['/api/v1/images?fixable=severe', '/fixable'],
      ['/api/v1/images?signed=yes', '/signed'],
      ['/api/v1/images?limit=0', '/limit'],
      ['/api/v1/images?limit=101', '/limit'],
      ['/api/v1/images?category=Nicht%20da', '/category'],
      ['/api/v1/images?fixabel=high', '/'],
      ['/api/v1/images/Not_A_Name', '/name'],
      ['/api/v1/images/node-app/versions/sha256:abc/sbom', '/digest'],
      [`${versionPath('node-app')}/sbom?format=pdf`, '/format'],
      [`${versionPath('node-app')}/checks?lang=fr`, '/lang'],
    ];
    for (const [path, pointer] of bad) {
      const response = await get(path);
      assert.equal(response.status, 400, path);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      const problem = (await response.json()) as { status: number; errors?: { pointer: string }[] };
      assert.equal(problem.status, 400);
      assert.ok(
        problem.errors?.some((e) => e.pointer.startsWith(pointer)),
        `${path}: ${JSON.stringify(problem)}`,
      );
    }
    const missing = await get('/api/v1/images/gibt-es-nicht');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json');
  });
});
