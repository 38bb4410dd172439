/**
 * The prebuilt advisory index: `db export` writes the advisories as one SQLite file signed as `cosign sign-blob`
 * signs (checked with openssl), and `db update --index` fetches it from a loopback HTTP server, verifies it and
 * installs it in one transaction — the same suite on SQLite, PGlite and a real PostgreSQL as the target.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateP256, LocalSigner } from '../../src/attest/index.ts';
import { isSgciError } from '../../src/core/index.ts';
import { openStore, type Store, type StoreKind } from '../../src/store/index.ts';
import { importAdvisories, signIndex, updateFromIndex } from '../../src/vuln/index.ts';
import { runMain } from '../helpers/cli.ts';
import { corpusDir } from '../helpers/fixtures.ts';
import { postgresMissing, startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { storedZip } from '../helpers/zip.ts';

const npmDir = join(corpusDir(), 'osv', 'npm');
const nvdSample = join(import.meta.dirname, '..', '..', 'src', 'vuln', 'nvd', 'testdata', 'nvdcve-2.0-sample.json');
const lodashRecord = JSON.parse(readFileSync(join(npmDir, 'GHSA-35jh-r3h4-6jhm.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'sgci-db-index-'));
const key = generateP256();
const otherKey = generateP256();
const indexFile = join(work, 'published', 'sgci.db');
const vexStatement = {
  vulnerability: { id: 'CVE-2021-23337', aliases: [] },
  products: [],
  subcomponents: ['pkg:npm/lodash'],
  status: 'not_affected' as const,
  justification: 'vulnerable_code_not_in_execute_path',
  document: 'store',
  format: 'store' as const,
};

/** What the loopback server serves at /sgci.db and /sgci.db.sig, and the requests it saw. */
const served = { index: Buffer.alloc(0), signature: Buffer.alloc(0), etag: '"v1"' };
const requests: { url: string; ifNoneMatch?: string }[] = [];
let server: Server;
let base: string;

before(async () => {
  // the index a publisher builds: the real npm advisories (no VEX statement leaves their site)
  await using source = await openStore({ dataDir: join(work, 'publisher') });
  await importAdvisories(source, [
    { kind: 'path', path: npmDir },
    { kind: 'bytes', name: 'nvdcve-2.0-2025.json', bytes: readFileSync(nvdSample) },
  ]);
  await source.vex.add(vexStatement);
  const exported = await source.exportIndex(indexFile);
  assert.equal(exported.advisories, 27);
  await signIndex(indexFile, new LocalSigner(key.privateKey, key.publicKey, 'test key'));
  served.index = readFileSync(indexFile);
  served.signature = readFileSync(`${indexFile}.sig`);
  server = createServer((req, res) => {
    requests.push({
      url: req.url ?? '',
      ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
    });
    if (req.url === '/sgci.db.sig') return void res.writeHead(200).end(served.signature);
    if (req.url === '/unsigned/sgci.db') return void res.writeHead(200).end(served.index);
    if (req.url !== '/sgci.db') return void res.writeHead(404).end();
    if (req.headers['if-none-match'] === served.etag) return void res.writeHead(304).end();
    res.writeHead(200, { etag: served.etag }).end(served.index);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

test('the exported index holds the advisories but no VEX statement, and is one file', async () => {
  await using index = await openStore({ file: indexFile, readOnly: true });
  assert.equal(await index.advisories.count(), 27);
  assert.deepEqual(await index.vex.list(), []);
  assert.deepEqual(
    (await index.advisories.severities(['CVE-2021-23337', 'CVE-2025-22866'])).map((r) => [r.vulnerabilityId, r.source]),
    [
      ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm'],
      ['CVE-2025-22866', 'NVD'],
    ],
    'with the advisories’ severity rows and NVD’s',
  );
  assert.equal(served.index.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
  // journal mode "delete" (bytes 18/19 = 1), so the signed file needs no -wal beside it
  assert.deepEqual([served.index[18], served.index[19]], [1, 1]);
});

test('the signature is cosign sign-blob’s format: openssl verifies it with the public key', (t) => {
  if (spawnSync('openssl', ['version']).status !== 0) return t.skip('openssl not installed (apt-get install openssl)');
  const pub = join(work, 'key.pub');
  const der = join(work, 'sig.der');
  writeFileSync(pub, key.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(der, Buffer.from(served.signature.toString('utf8').trim(), 'base64'));
  const verified = spawnSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', der, indexFile], {
    encoding: 'utf8',
  });
  assert.equal(verified.stdout.trim(), 'Verified OK', verified.stderr);
});

test('sgci db export --key and db update --index --key from the command line', async () => {
  const home = { SGCI_HOME: join(work, 'cli-publisher'), SGCI_PASSWORD: 'index password' };
  const unset = ['DATABASE_URL', 'COSIGN_PASSWORD'];
  const prefix = join(work, 'cli-key');
  assert.equal((await runMain(['key', 'generate', '--output-key-prefix', prefix], { env: home, unset })).code, 0);
  assert.equal((await runMain(['db', 'import', npmDir], { env: home, unset })).code, 0);
  const file = join(work, 'cli', 'advisories.db');
  const exported = await runMain(['db', 'export', file, '--key', `${prefix}.key`], { env: home, unset });
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(
    exported.stdout,
    /exported 27 advisories to .*advisories\.db .*\nsignature written to .*advisories\.db\.sig/,
  );

  const site = { SGCI_HOME: join(work, 'cli-site') };
  const unsigned = await runMain(['db', 'update', '--index', file], { env: site, unset });
  assert.equal(unsigned.code, 2);
  assert.match(unsigned.stderr, /--index needs --key/);
  const installed = await runMain(['db', 'update', '--index', file, '--key', `${prefix}.pub`], { env: site, unset });
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(installed.stdout, /advisories\.db: 27 records \(27 new or updated, 0 unchanged, 0 removed\)/);
  const status = JSON.parse((await runMain(['db', 'status', '-o', 'json'], { env: site, unset })).stdout);
  assert.equal(status.advisories, 27);
});

test('db update --ecosystem takes one ecosystem per occurrence, else SGCI_OSV_ECOSYSTEMS', async () => {
  const asked: string[] = [];
  const mirror = createServer((req, res) => {
    asked.push(req.url ?? '');
    const ecosystem = /^\/osv\/([^/]+)\/all\.zip$/.exec(req.url ?? '')?.[1];
    if (!ecosystem) return void res.writeHead(404).end();
    const record = { ...lodashRecord, id: `OSV-2099-${ecosystem}` };
    res.writeHead(200).end(storedZip([{ name: `${record.id}.json`, data: Buffer.from(JSON.stringify(record)) }]));
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/osv`;
    const env = { SGCI_HOME: join(work, 'cli-mirror'), SGCI_OSV_ECOSYSTEMS: 'Go,Maven' };
    const unset = ['DATABASE_URL'];
    const named = await runMain(['db', 'update', '--mirror', url, '--ecosystem', 'npm', '--ecosystem', 'PyPI'], {
      env,
      unset,
    });
    assert.equal(named.code, 0, named.stderr);
    assert.deepEqual(asked, ['/osv/npm/all.zip', '/osv/PyPI/all.zip']);
    assert.match(named.stdout, /^npm: 1 records .*\nPyPI: 1 records/);
    asked.length = 0;
    assert.equal((await runMain(['db', 'update', '--mirror', url], { env, unset })).code, 0);
    assert.deepEqual(asked, ['/osv/Go/all.zip', '/osv/Maven/all.zip']);
  } finally {
    mirror.close();
  }
});

function targetSuite(kind: StoreKind, skip: string | undefined) {
  describe(`installing the index into ${kind}`, { skip }, () => {
    let store: Store;
    let postgres: TestPostgres | undefined;
    before(async () => {
      if (kind === 'postgres') postgres = await startPostgres();
      store = await openStore(
        kind === 'postgres' ? { databaseUrl: postgres?.url ?? '' } : { engine: kind, dataDir: join(work, kind) },
      );
      // what the site had before: a record the index does not carry, and its own VEX statement
      await importAdvisories(store, [
        {
          kind: 'bytes',
          name: 'local.json',
          bytes: Buffer.from(
            JSON.stringify({ ...lodashRecord, id: 'OSV-2099-LOCAL', modified: '2020-01-01T00:00:00Z' }),
          ),
        },
      ]);
      await store.vex.add(vexStatement);
    });
    after(async () => {
      await store?.close();
      await postgres?.stop();
    });

    test('a tampered index, a wrong key, a missing signature or index install nothing', async () => {
      const index = `${base}/sgci.db`;
      const genuine = served.index;
      served.index = Buffer.from(genuine);
      served.index.writeUInt8(genuine.readUInt8(genuine.length - 100) ^ 1, genuine.length - 100);
      await assert.rejects(updateFromIndex(store, { index, publicKey: key.publicKey }), (error) =>
        isSgciError(error, 'SIGNATURE_INVALID'),
      );
      served.index = genuine;
      await assert.rejects(updateFromIndex(store, { index, publicKey: otherKey.publicKey }), (error) =>
        isSgciError(error, 'SIGNATURE_INVALID'),
      );
      await assert.rejects(
        updateFromIndex(store, { index: `${base}/unsigned/sgci.db`, publicKey: key.publicKey }),
        (error) =>
          isSgciError(error, 'SIGNATURE_NOT_FOUND') && /unsigned\/sgci\.db\.sig: .*HTTP 404/.test(String(error)),
      );
      await assert.rejects(
        updateFromIndex(store, { index: `${base}/elsewhere/sgci.db`, publicKey: key.publicKey }),
        (error) => isSgciError(error, 'REGISTRY_ERROR'),
      );
      await assert.rejects(
        updateFromIndex(store, { index: `${base}/sgci.db`, publicKey: generateKeyPairSync('ed25519').publicKey }),
        (error) => isSgciError(error, 'KEY_INVALID'),
      );
      assert.deepEqual(await store.advisories.ids(), ['OSV-2099-LOCAL'], 'the database is as it was');
    });

    test('installs the verified index in one transaction, keeps VEX statements, then asks conditionally', async () => {
      requests.length = 0;
      const index = `${base}/sgci.db`;
      const first = await updateFromIndex(store, { index, publicKey: key.publicKey });
      assert.deepEqual(first, {
        index,
        status: 'updated',
        result: { records: 27, written: 27, unchanged: 0, removed: 1 },
      });
      assert.equal(await store.advisories.count(), 27);
      assert.equal(await store.advisories.get('OSV-2099-LOCAL'), undefined, 'what the index lacks is removed');
      const lodash = (await store.advisories.findByPackages([{ ecosystem: 'npm', name: 'lodash' }])).map((f) => f.id);
      assert.ok(lodash.includes('GHSA-35jh-r3h4-6jhm'));
      assert.equal((await store.vex.list()).length, 1, 'the site’s VEX statement stays');
      assert.deepEqual(
        (await store.advisories.severities(['CVE-2025-22866'])).map((r) => r.source),
        ['NVD'],
        'NVD’s ratings come with the index',
      );
      const status = await store.advisories.status();
      assert.deepEqual(
        status.feeds.map((f) => [f.url, f.etag, f.records]),
        [[index, '"v1"', 27]],
      );
      assert.equal(status.imports[0]?.source, index);

      const again = await updateFromIndex(store, { index, publicKey: key.publicKey });
      assert.deepEqual(again, { index, status: 'not-modified' });
      assert.deepEqual(requests, [
        { url: '/sgci.db' },
        { url: '/sgci.db.sig' },
        { url: '/sgci.db', ifNoneMatch: '"v1"' },
      ]);

      // the same index under a new ETag: installing it again writes nothing
      served.etag = `"v2-${kind}"`;
      const same = await updateFromIndex(store, { index, publicKey: key.publicKey });
      assert.deepEqual(same.result, { records: 27, written: 0, unchanged: 27, removed: 0 });
      served.etag = '"v1"';
    });

    test('a local index file is installed the same way, its signature read beside it', async () => {
      const result = await updateFromIndex(store, { index: indexFile, publicKey: key.publicKey });
      assert.deepEqual(result.result, { records: 27, written: 0, unchanged: 27, removed: 0 });
      assert.deepEqual(
        (await store.advisories.status()).feeds.map((f) => f.url),
        [indexFile],
        'the validators of what the index replaced are forgotten',
      );
    });

    test('the store exports the same advisories again', async () => {
      const copy = join(work, `${kind}-copy.db`);
      assert.equal((await store.exportIndex(copy)).advisories, 27);
      await using reread = await openStore({ file: copy, readOnly: true });
      const original = await store.advisories.page(undefined, 100);
      assert.deepEqual(await reread.advisories.page(undefined, 100), original);
      assert.deepEqual(
        await reread.advisories.severityPage(undefined, 1000),
        await store.advisories.severityPage(undefined, 1000),
      );
    });
  });
}

targetSuite('sqlite', undefined);
targetSuite('pglite', undefined);
targetSuite('postgres', postgresMissing());
