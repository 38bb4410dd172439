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
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
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

/** The DOM of a parsed feed, as much of it as the test reads. */
interface XmlElement {
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(namespace: string, name: string): Iterable<XmlElement> & ArrayLike<XmlElement>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

for (const { engine, skip } of catalogueEngines) {
  describe(`catalogue API on ${engine}`, { skip: skip ?? fixturesMissing() }, () => {
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
      suite = new TestCatalogues(engine);
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
        // the catalogue's own decisions (VEX triage): one for python-app's Debian-installed requests
        vex: {
          statementsFor: async (scope) =>
            scope.image === 'python-app'
              ? [
                  {
                    vulnerability: { id: 'CVE-2023-32681', aliases: [] },
                    products: [],
                    subcomponents: ['pkg:pypi/requests'],
                    status: 'not_affected',
                    justification: 'vulnerable_code_not_in_execute_path',
                    author: 'rita',
                    timestamp: '2026-11-15T00:00:00Z',
                    document: 'catalogue',
                    format: 'store',
                  },
                ]
              : [],
        },
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
      assert.deepEqual(
        node?.decided,
        { findings: 10, decided: 2, share: 0.2 },
        "the contributor's not_affected and affected statements decide two of the ten counted findings",
      );
      assert.equal(node?.risk.formula, 'sgci-risk-1');
      assert.ok((node?.risk.score ?? 0) > 0);
      assert.deepEqual(node?.checks.failing, [], 'under a policy that only warns nothing required fails');
      const python = (await json<{ versions: VersionEntry[] }>('/api/v1/images/python-app')).versions[0]?.figures;
      assert.ok(python?.ecosystems.includes('pypi'));
      assert.equal(python?.vulnerabilities.suppressed, 1, "the catalogue's decision about requests");
      const vex = parseVex(await (await get(`${versionPath('python-app')}/vex`)).text(), 'python-app.openvex.json');
      assert.deepEqual(
        vex.map((v) => [v.vulnerability.id, v.status, v.subcomponents[0]?.replace(/@.*/, ''), v.timestamp]),
        [['CVE-2023-32681', 'not_affected', 'pkg:pypi/requests', '2026-11-15T00:00:00Z']],
        "the catalogue's decision is published with the version, restated for its digest",
      );
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
      assert.deepEqual(await listOf('q=%21%21%21'), [], 'punctuation only: no lexeme, no match, no error');
      assert.deepEqual(await listOf('q=der%20die%20das'), [], 'German stop words only');
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
        [
          `q=${encodeURIComponent('gehärtet')}&category=runtime`,
          (i) => categoryOf[i.name as FixtureName] === 'runtime',
        ],
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

    test("another organisation's unpublished image: 404 for the public and other organisations, shown to its members and reviewers", async () => {
      const path = '/api/v1/images/bund-b-basis';
      const expected: [string | undefined, number][] = [
        [undefined, 404],
        ['alice', 404],
        ['bob', 200],
        ['rita', 200],
        ['ada', 200],
      ];
      for (const [as, status] of expected) assert.equal((await get(path, as)).status, status, `${as ?? 'anonymous'}`);
      const response = await get(path, 'bob');
      assert.equal(response.headers.get('cache-control'), 'private, no-cache');
      assert.equal(response.headers.get('vary'), 'Authorization, Cookie');
      const image = (await response.json()) as { versions: VersionEntry[]; tagHistory: unknown[] };
      assert.equal(image.versions.length, 1);
      const version = image.versions[0] as VersionEntry;
      assert.equal(version.status, 'awaiting-review');
      assert.equal(version.verdict, null);
      assert.equal(version.documents?.vsa, null);
      assert.ok(version.figures, 'scanned: its figures are shown to those who see it');
      const vulns = `${path}/versions/${version.digest}/vulns`;
      for (const [as, status] of expected) assert.equal((await get(vulns, as)).status, status, `vulns ${as}`);
      assert.equal((await get(vulns, 'bob')).headers.get('cache-control'), 'private, no-cache');
      assert.equal((await get(`${path}/versions/${version.digest}/vsa`, 'bob')).status, 404, 'no verdict yet');
    });

    test('a public image with an unpublished next version: the public sees the public one, its organisation both', async () => {
      const alice = principals.get('alice') as Principal;
      suite.clock.advance(hour);
      const next = await submit(services, alice, {
        image: `${registry.host}/bund-a/distroless-static:1.0`,
        name: 'python-app',
        description: description('python-app'),
        categories: ['runtime'],
        license: 'MIT',
        source: 'https://gitlab.opencode.de/bund-a/python-app',
        contact: 'plattform@bund-a.example',
      });
      assert.equal(await worker.drain(), 1);
      const digests = async (as?: string) =>
        (await json<{ versions: VersionEntry[] }>('/api/v1/images/python-app', as)).versions.map(
          (v) => `${v.digest}=${v.status}`,
        );
      const published = `${admitted.get('python-app')?.digest}=admitted`;
      assert.deepEqual(await digests(), [published]);
      assert.deepEqual(await digests('bob'), [published]);
      assert.deepEqual(await digests('alice'), [`${next.digest}=awaiting-review`, published], 'newest first');
      assert.deepEqual(await digests('rita'), [`${next.digest}=awaiting-review`, published]);
      const history = (
        await json<{ tagHistory: { tag: string; digest: string }[] }>('/api/v1/images/python-app', 'alice')
      ).tagHistory;
      assert.deepEqual(
        history.map((h) => h.digest),
        [next.digest, admitted.get('python-app')?.digest],
        'tag 1.0 named one digest, then the other',
      );
      assert.equal((await get(`/api/v1/images/python-app/versions/${next.digest}/sbom`)).status, 404);
      assert.equal((await get(`/api/v1/images/python-app/versions/${next.digest}/sbom`, 'alice')).status, 200);
      const listed = (await json<Page>('/api/v1/images?q=python')).items[0];
      assert.equal(
        listed?.latest.digest,
        admitted.get('python-app')?.digest,
        'the list shows the newest public version',
      );
      const publicResponse = await get('/api/v1/images/python-app');
      assert.equal(publicResponse.headers.get('cache-control'), 'public, max-age=60, must-revalidate');
      assert.equal((await get('/api/v1/images/python-app', 'alice')).headers.get('cache-control'), 'private, no-cache');
    });

    test('every read has a strong ETag, the SHA-256 of its body; If-None-Match answers 304 without a body', async () => {
      for (const path of [
        '/api/v1/images',
        '/api/v1/images?q=hardened&limit=2',
        '/api/v1/images/node-app',
        `${versionPath('node-app')}/sbom`,
        `${versionPath('node-app')}/vex?format=csaf`,
        `${versionPath('node-app')}/vulns`,
        `${versionPath('node-app')}/checks?format=html&lang=en`,
        `${versionPath('node-app')}/vsa`,
        '/api/v1/policy',
        '/api/v1/feed.atom',
      ]) {
        const first = await get(path);
        assert.equal(first.status, 200, path);
        const body = await first.text();
        const etag = first.headers.get('etag');
        assert.equal(etag, `"${sha256(body)}"`, path);
        const again = await get(path, undefined, { 'if-none-match': etag ?? '' });
        assert.equal(again.status, 304, path);
        assert.equal(await again.text(), '');
        assert.equal(again.headers.get('etag'), etag);
        assert.equal(again.headers.get('cache-control'), 'public, max-age=60, must-revalidate');
        assert.equal(again.headers.get('vary'), 'Authorization, Cookie');
        const changed = await get(path, undefined, { 'if-none-match': `"${'0'.repeat(64)}"` });
        assert.equal(changed.status, 200, `${path}: another ETag gets the body`);
        assert.equal(await changed.text(), body, `${path}: the same bytes every time`);
      }
    });

    test("the verdict names the vulnerability and check reports by the digest of exactly the bytes the API serves, and the policy's", async () => {
      const path = versionPath('node-app');
      const vsa = await get(`${path}/vsa`);
      assert.equal(vsa.headers.get('content-type'), 'application/vnd.dsse.envelope.v1+json');
      const envelopeText = await vsa.text();
      const stored = await catalogue.db
        .selectFrom('verdicts')
        .select('envelope')
        .where('submission', '=', admitted.get('node-app')?.id ?? '')
        .executeTakeFirstOrThrow();
      assert.equal(envelopeText, stored.envelope, 'the envelope exactly as signed');
      const payload = openEnvelope(
        parseEnvelope(Buffer.from(envelopeText), 'vsa'),
        services.signing?.signer.publicKey as never,
      );
      assert.ok(payload, 'signed by the catalogue key');
      const statement = JSON.parse(Buffer.from(payload).toString('utf8'));
      const inputs = statement.predicate.inputAttestations as { uri: string; digest: { sha256: string } }[];
      for (const kind of ['vulns', 'checks']) {
        const response = await get(`${path}/${kind}`);
        assert.equal(response.headers.get('content-type'), 'application/json');
        const body = await response.text();
        const input = inputs.find((i) => i.uri === `${base}${path}/${kind}`);
        assert.ok(input, `${kind} is an input attestation at the URL it is served from`);
        assert.equal(input.digest.sha256, sha256(body), kind);
      }
      const policy = await get('/api/v1/policy');
      assert.equal(statement.predicate.policy.uri, `${base}/api/v1/policy`);
      assert.equal(statement.predicate.policy.digest.sha256, sha256(await policy.text()));
    });

    test('each document in each of its formats', async () => {
      const path = versionPath('node-app');
      const digest = admitted.get('node-app')?.digest;
      const text = async (query: string, mediaType: string) => {
        const response = await get(`${path}/${query}`);
        assert.equal(response.status, 200, query);
        assert.equal(response.headers.get('content-type'), mediaType, query);
        return response.text();
      };
      const cdx = JSON.parse(await text('sbom', 'application/vnd.cyclonedx+json'));
      assert.equal(cdx.bomFormat, 'CycloneDX');
      assert.equal(cdx.metadata.component.version, digest);
      assert.match(
        await text('sbom?format=cyclonedx-xml', 'application/vnd.cyclonedx+xml'),
        /^<\?xml[^>]*>\s*<bom xmlns="http:\/\/cyclonedx\.org\/schema\/bom\/1\.6"/,
      );
      assert.equal(JSON.parse(await text('sbom?format=spdx-json', 'application/spdx+json')).spdxVersion, 'SPDX-2.3');
      for (const [format, mediaType] of [
        ['openvex', 'application/json'],
        ['cyclonedx', 'application/vnd.cyclonedx+json'],
        ['csaf', 'application/json'],
      ] as const) {
        const statements = parseVex(await text(`vex?format=${format}`, mediaType), `vex.${format}`);
        assert.deepEqual(
          statements.map((s) => [s.vulnerability.id, s.status]).sort(),
          [
            ['CVE-2020-28500', 'not_affected'],
            ['CVE-2021-23337', 'affected'],
          ],
          `${format}: the statements that decided a finding, not the one about another image`,
        );
      }
      assert.equal(JSON.parse(await text('vulns?format=sarif', 'application/sarif+json')).version, '2.1.0');
      assert.equal(JSON.parse(await text('checks?format=sarif', 'application/sarif+json')).version, '2.1.0');
      assert.match(await text('checks?format=html', 'text/html; charset=utf-8'), /<html lang="de"/);
      const english = await get(`${path}/checks?format=html&lang=en`);
      assert.match(await english.text(), /<html lang="en"/);
      assert.match(
        english.headers.get('content-disposition') ?? '',
        /^attachment; filename="node-app-[0-9a-f]{12}-en\.html"$/,
      );
    });

    interface ExportedVersion {
      digest: string;
      status: string;
      figures: { vulnerabilities: unknown };
      vex: { '@context': string; statements: unknown[] };
      verdict: { envelope: string; validUntil: string } | null;
    }
    interface Exported {
      format: string;
      policy: { uri: string; digest: string };
      images: { name: string; orphaned: boolean; maintainers: { name: string }[]; versions: ExportedVersion[] }[];
    }

    test('the export: every public image and version with figures, VEX and verdict, streamed under a strong validator', async () => {
      const response = await get('/api/v1/export');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json');
      const etag = response.headers.get('etag');
      assert.match(etag ?? '', /^"[0-9a-f]{64}"$/);
      const exported = JSON.parse(await response.text()) as Exported;
      assert.equal(exported.format, 'sgci-catalogue-export');
      assert.equal(exported.policy.uri, `${base}/api/v1/policy`);
      assert.equal(exported.policy.digest, `sha256:${sha256(await (await get('/api/v1/policy')).text())}`);
      assert.deepEqual(
        exported.images.map((i) => i.name),
        sorted,
        'no unpublished image',
      );
      for (const image of exported.images) {
        const detail = await json<{ versions: VersionEntry[] }>(`/api/v1/images/${image.name}`);
        assert.deepEqual(
          image.versions.map((v) => v.digest),
          detail.versions.map((v) => v.digest),
          `${image.name}: the public versions only`,
        );
        const version = image.versions[0] as ExportedVersion;
        assert.deepEqual(version.figures, detail.versions[0]?.figures);
        assert.equal(version.vex['@context'], 'https://openvex.dev/ns/v0.2.0');
        assert.equal(
          `${JSON.stringify(version.vex, null, 2)}\n`,
          await (await get(`/api/v1/images/${image.name}/versions/${version.digest}/vex`)).text(),
          'the same VEX document as the version serves',
        );
        assert.equal(
          version.verdict?.envelope,
          await (await get(`/api/v1/images/${image.name}/versions/${version.digest}/vsa`)).text(),
        );
        assert.deepEqual(
          image.maintainers.map((m) => m.name),
          ['alice Muster'],
        );
      }
      assert.equal(exported.images.find((i) => i.name === 'node-app')?.versions[0]?.vex.statements.length, 2);
      const again = await get('/api/v1/export', undefined, { 'if-none-match': etag ?? '' });
      assert.equal(again.status, 304, 'unchanged: not sent again');
      assert.equal(await again.text(), '');
    });

    test('the feed: admissions and security changes of public versions as valid Atom with German titles', async () => {
      const nodeId = admitted.get('node-app')?.id ?? '';
      await catalogue.transaction(async (tx) => {
        const finding = { vulnerability: 'CVE-2099-0001', purl: 'pkg:npm/lodash@4.17.20', severity: 'HIGH' };
        await appendEvent(tx, {
          actor: system,
          subject: { kind: 'submission', id: nodeId },
          kind: 'finding-new',
          after: finding,
          at: catalogue.now(),
        });
        const pending = await tx
          .selectFrom('submissions')
          .select('id')
          .where('image', '=', 'bund-b-basis')
          .executeTakeFirstOrThrow();
        await appendEvent(tx, {
          actor: system,
          subject: { kind: 'submission', id: pending.id },
          kind: 'finding-new',
          after: { ...finding, vulnerability: 'CVE-2099-0002' },
          at: catalogue.now(),
        });
      });
      const before = await get('/api/v1/export');
      const alice = principals.get('alice') as Principal;
      await withdraw(
        services,
        alice,
        admitted.get('debian-ssh-secrets')?.id ?? '',
        'ersetzt <durch> "neu" & \u0001alt',
      );
      const response = await get('/api/v1/feed.atom');
      assert.equal(response.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
      const text = await response.text();
      assert.match(
        text,
        /ersetzt &lt;durch&gt; "neu" &amp; \uFFFDalt/,
        'escaped; a control character XML cannot carry is replaced',
      );
      // parsed as a feed reader would: text decoded from the entities
      const root = create(text).root().node as unknown as XmlElement;
      const atom = 'http://www.w3.org/2005/Atom';
      assert.equal(root.localName, 'feed');
      assert.equal(root.namespaceURI, atom);
      assert.equal(root.getAttribute('xml:lang'), 'de');
      const entries = [...root.getElementsByTagNameNS(atom, 'entry')].map((entry) => {
        const child = (name: string) => entry.getElementsByTagNameNS(atom, name)[0]?.textContent ?? '';
        return { id: child('id'), title: child('title'), summary: child('summary'), updated: child('updated') };
      });
      assert.deepEqual(
        entries.map((e) => e.title),
        [
          'debian-ssh-secrets: Version zurückgezogen',
          'node-app: neue Schwachstelle CVE-2099-0001 (HIGH)',
          ...[...fixtureNames].reverse().map((n) => `${n}: Version zugelassen`),
        ],
      );
      assert.ok(!text.includes('CVE-2099-0002'), 'an unpublished version is not in the feed');
      assert.match(entries[0]?.summary ?? '', /Grund: ersetzt <durch> "neu" & \uFFFDalt$/);
      assert.match(entries[0]?.id ?? '', new RegExp(`^${base}${versionPath('debian-ssh-secrets')}#event-\\d+$`));
      assert.equal(entries[0]?.updated, catalogue.now().toISOString());
      assert.deepEqual(
        await listOf(''),
        sorted.filter((n) => n !== 'debian-ssh-secrets'),
        'withdrawn: no longer listed',
      );
      const after = await get('/api/v1/export', undefined, { 'if-none-match': before.headers.get('etag') ?? '' });
      assert.equal(after.status, 200, 'the export changed with the withdrawal');
    });

    test('orphaned: no maintainer seen for the configured period, or all disabled; the reason is shown', async () => {
      const orphaned = async (server = app) => {
        const response = await server.request('/api/v1/images?limit=100');
        return ((await response.json()) as Page).items.map((i) => [i.name, i.orphanedReason?.code ?? null]);
      };
      assert.ok((await orphaned()).every(([, reason]) => reason === null));
      suite.clock.advance(181 * day);
      assert.ok(
        (await orphaned()).every(([, reason]) => reason === 'maintainers-silent'),
        'alice never signed in',
      );
      const patient = createApp({ ...deps, config: { ...deps.config, orphanAfterDays: 365 } });
      assert.ok(
        (await orphaned(patient)).every(([, reason]) => reason === null),
        'orphanAfterDays: 365',
      );
      const detail = await json<{ orphaned: boolean; orphanedReason: { de: string; en: string } }>(
        '/api/v1/images/node-app',
      );
      assert.equal(detail.orphaned, true);
      assert.equal(detail.orphanedReason.de, 'Kein Maintainer war in den letzten 180 Tagen angemeldet.');
      assert.deepEqual(await listOf('signed=true'), [], 'every verdict has expired meanwhile');
      await catalogue.db
        .updateTable('users')
        .set({ last_seen_at: catalogue.now() })
        .where('login', '=', 'alice')
        .execute();
      assert.ok(
        (await orphaned()).every(([, reason]) => reason === null),
        'alice signed in today',
      );
      await disableUser(catalogue, system, 'alice');
      assert.ok((await orphaned()).every(([, reason]) => reason === 'maintainers-disabled'));
      const image = await json<{
        maintainers: { name: string; organisation: string }[];
        orphanedReason: { en: string };
      }>('/api/v1/images/node-app');
      assert.deepEqual(
        image.maintainers.map((m) => [m.name, m.organisation]),
        [['alice Muster', 'bund-a']],
      );
      assert.equal(image.orphanedReason.en, 'All maintainers are disabled.');
    });

    test('the OpenAPI document describes every catalogue route with its parameters', async () => {
      const doc = await json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>(
        '/api/v1/openapi.json',
      );
      for (const path of [
        '/api/v1/images',
        '/api/v1/images/{name}',
        ...['sbom', 'vex', 'vulns', 'checks', 'vsa'].map((k) => `/api/v1/images/{name}/versions/{digest}/${k}`),
        '/api/v1/policy',
        '/api/v1/export',
        '/api/v1/feed.atom',
      ])
        assert.ok(doc.paths[path]?.get, path);
      const parameters = doc.paths['/api/v1/images']?.get?.parameters?.map((p) => p.name).sort();
      assert.deepEqual(parameters, [
        'baseline',
        'category',
        'cursor',
        'distro',
        'distroVersion',
        'ecosystem',
        'fixable',
        'limit',
        'organisation',
        'q',
        'signed',
        'sla',
      ]);
    });
  });
}
