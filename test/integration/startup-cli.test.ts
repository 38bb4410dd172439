/**
 * Start-up: the short commands load only what they use. Each case runs the real bin in a child process with a
 * hook that lists every module loaded (test/helpers/loaded-modules.ts) and names the packages it must not have
 * loaded: an eager import of zod, the CycloneDX library, the query layer, PGlite, the HTTP client or sigstore in
 * a command module, the flags' modules or a barrel they import fails here, not only in the bench. Lookups in the
 * SQLite file (`db status`, matching) run the compiled read queries (src/store/sqlite-reads.ts), not kysely.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { runSgci } from '../helpers/cli.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry } from '../helpers/registry.ts';

const work = mkdtempSync(join(tmpdir(), 'sgci-startup-'));
const home = join(work, 'home');
const hook = resolve(import.meta.dirname, '..', 'helpers', 'loaded-modules.ts');
after(() => rmSync(work, { recursive: true, force: true }));

/** What costs start-up time and only some paths need (each 0.04–0.1 s of CPU to load on the 2-core CI machine). */
const queryLayer = ['kysely'];
const embeddedServer = ['@electric-sql/pglite', 'pg', 'hono', '@hono/node-server', '@hono/zod-openapi', 'pino'];
const network = ['undici', 'openid-client', '@sigstore/bundle', '@sigstore/verify', '@sigstore/protobuf-specs'];
const encoders = ['zod', '@cyclonedx/cyclonedx-library', 'xmlbuilder2', 'ajv', 'yaml'];

/** The npm packages a run of sgci loaded, by name, and its own modules (paths below src/). */
async function packagesLoaded(args: readonly string[]): Promise<{
  packages: Set<string>;
  sources: string[];
  urls: string[];
  workers: number;
  compiled: string[];
  stdout: string;
}> {
  const list = join(work, `modules-${args.join('-').replace(/[^a-z0-9-]/gi, '_')}.txt`);
  const result = await runSgci(args, {
    env: {
      SGCI_HOME: home,
      NO_COLOR: '1',
      NODE_OPTIONS: `--import=${JSON.stringify(hook)}`,
      SGCI_TEST_LOADED_MODULES: list,
    },
    unset: ['DATABASE_URL'],
    // the built-ins' code cache use (test/helpers/loaded-modules.ts); the warning that reading it prints aside
    nodeArgs: ['--expose-internals', '--no-warnings'],
  });
  assert.ok(result.code === 0 || result.code === 1, `sgci ${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
  const packages = new Set<string>();
  const sources: string[] = [];
  const lines = readFileSync(list, 'utf8').split('\n');
  const workers = lines.filter((line) => line === 'worker:').length;
  const compiled = lines.filter((line) => line.startsWith('compiled:')).map((line) => line.slice(9));
  const urls = lines.filter((line) => line !== 'worker:' && !line.startsWith('compiled:'));
  for (const url of urls) {
    const name = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    if (name) packages.add(name);
    const source = /\/src\/(.+\.ts)$/.exec(url)?.[1];
    if (source && !url.includes('/node_modules/')) sources.push(source);
  }
  return { packages, sources, urls, workers, compiled, stdout: result.stdout };
}

function assertNone(packages: Set<string>, forbidden: readonly string[], what: string): void {
  assert.deepEqual(
    forbidden.filter((name) => packages.has(name)),
    [],
    `${what} loaded packages it does not use`,
  );
}

before(async () => {
  const imported = await runSgci(['db', 'import', join(corpusDir(), 'osv', 'npm')], {
    env: { SGCI_HOME: home },
    unset: ['DATABASE_URL'],
  });
  assert.equal(imported.code, 0, imported.stderr);
});

for (const args of [['--version'], ['db', '--help'], ['sbom', '--help']])
  test(`sgci ${args.join(' ')} loads no heavy package`, async () => {
    const { packages } = await packagesLoaded(args);
    assert.ok(packages.has('commander'), 'the hook saw the packages sgci loaded');
    assertNone(packages, [...queryLayer, ...embeddedServer, ...network, ...encoders], `sgci ${args.join(' ')}`);
  });

test('sgci db status reads SQLite through the compiled lookups: no query builder, server, network or encoders', async () => {
  const { packages, stdout } = await packagesLoaded(['db', 'status']);
  assert.match(stdout, /advisories: 27/);
  assertNone(packages, [...queryLayer, ...embeddedServer, ...network, ...encoders], 'sgci db status');
});

test('sgci sbom of a local image opens no database and no network client', { skip: fixturesMissing() }, async () => {
  const { packages, sources, workers, compiled, stdout } = await packagesLoaded([
    'sbom',
    `oci-archive:${fixture('distroless-static').ociArchive}`,
  ]);
  assert.match(stdout, /"bomFormat": "CycloneDX"/);
  // image documents are checked without zod, CycloneDX JSON is written without the CycloneDX library and purls are
  // built without packageurl-js (catalog/purl.ts)
  assertNone(packages, [...queryLayer, ...embeddedServer, ...network, ...encoders, 'packageurl-js'], 'sgci sbom');
  assert.deepEqual(
    sources.filter((path) => path.startsWith('store/')),
    [],
    'sgci sbom loaded the store, which only matching opens',
  );
  // a run on the built-in policy loads only it, and an OCI archive only its own reader of the image sources
  assert.deepEqual(
    sources.filter((path) => path.startsWith('policy/')),
    ['policy/builtin/index.ts'],
    'sgci sbom loaded policy modules, which only a policy file, --sla or a judging run needs',
  );
  assert.deepEqual(
    sources.filter((path) => path.startsWith('oci/source/')).sort(),
    ['deadline.ts', 'index.ts', 'layout-files.ts', 'oci-layout.ts', 'tar-index.ts'].map((f) => `oci/source/${f}`),
    'sgci sbom oci-archive: loaded image sources of another kind',
  );
  // a small image is inflated and hashed on the main thread
  assert.equal(workers, 0, 'sgci sbom of a small image started a worker thread');
  // every built-in it uses is loaded before bin/sgci.js sets the V8 flags, from Node's code cache (issue 17)
  assert.deepEqual(compiled, [], 'sgci sbom compiled built-in modules from source');
  // each module is start-up time (~0.3 ms): more than these is an import to move to its point of use (issue 17);
  // bin/sgci.js's resolver of the sources (cli/source-resolve.ts) is one of them, core/end-worker.ts (the inflate
  // pool's) another
  assert.ok(sources.length <= 112, `sgci sbom loaded ${sources.length} of sgci's modules, at most 112 expected`);
});

test('sgci vulns of a local image matches through SQLite alone, without the query builder', {
  skip: fixturesMissing(),
}, async () => {
  const { packages, compiled, stdout } = await packagesLoaded([
    'vulns',
    `docker-archive:${fixture('node-app').dockerArchive}`,
  ]);
  assert.match(stdout, /CVE-2021-23337/);
  assertNone(packages, [...queryLayer, ...embeddedServer, ...network, ...encoders], 'sgci vulns');
  // node:sqlite alone loads on first use: on Node 22 importing it warns, and bin/sgci.js must not make every
  // command do that
  assert.deepEqual(compiled, ['sqlite'], 'sgci vulns compiled built-in modules from source');
});

test('sgci scan of a local image checks and reports without zod, sigstore or the query builder', {
  skip: fixturesMissing(),
}, async () => {
  const out = join(work, 'scan-out');
  const { packages, sources, compiled } = await packagesLoaded([
    'scan',
    `docker-archive:${fixture('node-app').dockerArchive}`,
    '--out',
    out,
  ]);
  assert.match(readFileSync(join(out, 'checks.json'), 'utf8'), /"schemaVersion"/);
  // the checks type their evidence by hand, the report's zod model loads only for its JSON Schema, the manifest
  // schema only with --manifests, and the attestation checks take the predicate types from attest/media-types
  assertNone(packages, [...queryLayer, ...embeddedServer, ...network, ...encoders], 'sgci scan');
  assert.deepEqual(
    sources.filter((path) => path.startsWith('attest/')),
    ['attest/media-types/index.ts'],
    'sgci scan without --attest loaded the signing modules',
  );
  // the hash worker's worker_threads among them
  assert.deepEqual(compiled, ['sqlite'], 'sgci scan compiled built-in modules from source');
});

test('sgci monitor run over unchanged tags loads the round, SQLite without the query builder and the registry client only', {
  skip: fixturesMissing(),
}, async () => {
  await using registry = await startRegistry({ auth: 'none' });
  const tag = `${registry.host}/startup/app:stable`;
  await registry.push(fixture('distroless-static').ociDir, 'startup/app:stable');
  const added = await runSgci(['monitor', 'add', tag], { env: { SGCI_HOME: home }, unset: ['DATABASE_URL'] });
  assert.equal(added.code, 0, added.stderr);
  // the first round describes and scans the tag's first digest; the second finds it unchanged, as most rounds do
  const first = await runSgci(['monitor', 'run', '--all'], { env: { SGCI_HOME: home }, unset: ['DATABASE_URL'] });
  assert.equal(first.code, 0, first.stderr);
  const { packages, sources, urls, compiled, stdout } = await packagesLoaded(['monitor', 'run', '--all', '-o', 'json']);
  assert.match(stdout, /"unchanged": 1/);
  // the registry client's HTTP, TLS, HTTP/2, DNS and assert come from Node's code cache (oci/undici/index.ts)
  assert.deepEqual(compiled, ['sqlite'], 'sgci monitor run compiled built-in modules from source');
  // the registry client requires the parts of undici it uses (oci/undici/index.ts), not its index
  assert.deepEqual(
    urls.filter((url) => url.endsWith('/node_modules/undici/index.js')),
    [],
    "sgci monitor run loaded undici's index (fetch, WebSocket, mocks)",
  );
  assert.ok(packages.has('undici'), 'the registry client was loaded');
  // undici is the registry client's transport; its answers and the Docker config are checked without zod, and the
  // watch list and the unchanged tags' writes run in their SQLite compilation (store/monitor-store.ts)
  const unused = [...network, ...encoders].filter((name) => name !== 'undici');
  assertNone(packages, [...queryLayer, ...embeddedServer, ...unused, 'packageurl-js'], 'sgci monitor run');
  assert.deepEqual(
    sources.filter((path) =>
      /^(scan|catalog|sbom|vuln|checks|attest|policy|report|build|oci\/fs|oci\/layer)\//.test(path),
    ),
    [],
    'the round loaded the scan pipeline, the policy or the layer reader for tags that did not move',
  );
});
