import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Migrator, sql } from 'kysely';
import { isSgciError } from '../../src/core/index.ts';
import { openLookups, openStore, type Store } from '../../src/store/index.ts';
import { migrations } from '../../src/store/migrations/index.ts';
import { importAdvisories, matchSbom, severityRowsOf, updateFeeds, validateOsv } from '../../src/vuln/index.ts';
import { corpusDir } from '../helpers/fixtures.ts';
import { postgresMissing, startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { storedZip } from '../helpers/zip.ts';

const npmDir = join(corpusDir(), 'osv', 'npm');
const lodashRecord = JSON.parse(readFileSync(join(npmDir, 'GHSA-35jh-r3h4-6jhm.json'), 'utf8'));

/** A stored zip of JSON texts, the way osv.dev's all.zip feeds the importer. */
/** A database as an sgci before migration 0007 left it: 0007 and every later migration undone (their `down`). */
async function rollBackBefore0007(db: Store['db']): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
  const { error } = await migrator.migrateTo('0006-severities');
  assert.equal(error, undefined);
}

function osvZip(files: Record<string, string>): Uint8Array {
  return storedZip(Object.entries(files).map(([name, text]) => ({ name, data: Buffer.from(text) })));
}

function storeSuite(kind: 'sqlite' | 'pglite' | 'postgres', skip: string | undefined) {
  describe(`advisory store on ${kind}`, { skip }, () => {
    let store: Store;
    let server: TestPostgres | undefined;
    const work = mkdtempSync(join(tmpdir(), 'sgci-vuln-store-'));
    const reopen = () =>
      openStore(kind === 'postgres' ? { databaseUrl: server?.url ?? '' } : { engine: kind, dataDir: join(work, 'db') });
    before(async () => {
      if (kind === 'postgres') server = await startPostgres();
      store = await reopen();
      assert.equal(store.kind, kind);
    });
    after(async () => {
      await store?.close();
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('imports the real npm advisories idempotently and finds them by package', async () => {
      const first = await importAdvisories(store, [{ kind: 'path', path: npmDir }]);
      assert.equal(first.records, 27);
      assert.equal(first.written, 27);
      const again = await importAdvisories(store, [{ kind: 'path', path: npmDir }]);
      assert.equal(again.written, 0);
      assert.equal(again.unchanged, 27);
      assert.equal(await store.advisories.count(), 27);
      const found = await store.advisories.findByPackages([{ ecosystem: 'npm', name: 'lodash' }]);
      assert.ok(found.some((f) => f.id === 'GHSA-35jh-r3h4-6jhm'));
      const lodash = found.find((f) => f.id === 'GHSA-35jh-r3h4-6jhm');
      assert.equal(
        (lodash?.affected[0] as { package?: { name?: string } })?.package?.name,
        'lodash',
        'index rows carry the package ranges',
      );
      const [full] = await store.advisories.getMany(['GHSA-35jh-r3h4-6jhm']);
      assert.equal(full?.source, join(npmDir, 'GHSA-35jh-r3h4-6jhm.json'));
      // Rows written before migration 0004 have no ranges of their own and are read through the full record.
      await sql`update advisory_packages set affected = null where advisory_id = 'GHSA-35jh-r3h4-6jhm'`.execute(
        store.db,
      );
      const legacy = (await store.advisories.findByPackages([{ ecosystem: 'npm', name: 'lodash' }])).find(
        (f) => f.id === 'GHSA-35jh-r3h4-6jhm',
      );
      // (all of the record's entries: the matcher picks the ones naming the package)
      for (const entry of lodash?.affected ?? [])
        assert.ok(legacy?.affected.some((e) => JSON.stringify(e) === JSON.stringify(entry)));
      assert.ok((legacy?.affected.length ?? 0) > (lodash?.affected.length ?? 0), 'the record also names lodash-es');
    });

    test('status reads the per-ecosystem totals each import writes; the migration fills them for older data', async () => {
      const expected = [{ ecosystem: 'npm', advisories: 27 }];
      assert.deepEqual((await store.advisories.status()).ecosystems, expected);
      assert.equal((await store.advisories.status()).advisories, 27);
      // a database from before migration 0007: its tables and every later one's undone
      await rollBackBefore0007(store.db);
      await store.close();
      store = await reopen();
      assert.deepEqual((await store.advisories.status()).ecosystems, expected);
    });

    test('a failed import keeps the previous data and names each bad record', async () => {
      const bad = join(work, 'bad');
      rmSync(bad, { recursive: true, force: true });
      writeFileSync(join(work, 'placeholder'), '');
      const dir = mkdtempSync(join(work, 'bad-'));
      writeFileSync(
        join(dir, 'a-good.json'),
        JSON.stringify({ ...lodashRecord, id: 'OSV-2099-1', modified: '2030-01-01T00:00:00Z' }),
      );
      writeFileSync(join(dir, 'b-bad.json'), JSON.stringify({ id: 'BAD-1', affected: [] }));
      await assert.rejects(importAdvisories(store, [{ kind: 'path', path: dir }]), (error: Error) => {
        assert.match(error.message, /b-bad\.json \(BAD-1\): .*modified/);
        return true;
      });
      assert.equal(await store.advisories.get('OSV-2099-1'), undefined, 'nothing of the failed import is visible');
      assert.equal(await store.advisories.count(), 27);
      const skipped = await importAdvisories(store, [{ kind: 'path', path: dir }], { skipInvalid: true });
      assert.equal(skipped.invalid.length, 1);
      assert.ok(await store.advisories.get('OSV-2099-1'));
    });

    test('withdrawn records remove a stored advisory; newer records replace older ones', async () => {
      const zip = osvZip({
        'OSV-2099-1.json': JSON.stringify({
          ...lodashRecord,
          id: 'OSV-2099-1',
          modified: '2031-01-01T00:00:00Z',
          withdrawn: '2031-01-01T00:00:00Z',
        }),
        'OSV-2099-2.json': JSON.stringify({ ...lodashRecord, id: 'OSV-2099-2', modified: '2031-01-01T00:00:00Z' }),
      });
      const result = await importAdvisories(store, [{ kind: 'bytes', name: 'all.zip', bytes: zip }]);
      assert.equal(result.withdrawn, 1);
      assert.equal(await store.advisories.get('OSV-2099-1'), undefined);
      assert.equal((await store.advisories.get('OSV-2099-2'))?.source, 'all.zip!OSV-2099-2.json');
    });

    test('db update fetches all.zip from the mirror and sends conditional requests', async () => {
      const zip = osvZip({ 'OSV-2099-3.json': JSON.stringify({ ...lodashRecord, id: 'OSV-2099-3' }) });
      const seen: { url: string; ifNoneMatch?: string }[] = [];
      const http = createServer((req, res) => {
        seen.push({
          url: req.url ?? '',
          ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
        });
        if (req.url !== '/osv/npm/all.zip') return void res.writeHead(404).end();
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
        res.writeHead(200, { etag: '"v1"', 'content-type': 'application/zip' }).end(zip);
      });
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      try {
        const mirror = `http://127.0.0.1:${(http.address() as AddressInfo).port}/osv`;
        const first = await updateFeeds(store, { mirror, ecosystems: ['npm'] });
        assert.equal(first[0]?.status, 'updated');
        assert.ok(await store.advisories.get('OSV-2099-3'));
        const second = await updateFeeds(store, { mirror, ecosystems: ['npm'] });
        assert.equal(second[0]?.status, 'not-modified');
        assert.deepEqual(seen, [{ url: '/osv/npm/all.zip' }, { url: '/osv/npm/all.zip', ifNoneMatch: '"v1"' }]);
        const status = await store.advisories.status();
        assert.equal(status.feeds[0]?.etag, '"v1"');
        await assert.rejects(updateFeeds(store, { mirror, ecosystems: ['PyPI'] }), /HTTP 404/);
      } finally {
        http.close();
      }
    });

    test('other records of a vulnerability by alias or upstream id, and NVD severities, rate a Go finding', async () => {
      const go = JSON.parse(readFileSync(join(corpusDir(), 'osv', 'go', 'GO-2025-3503.json'), 'utf8'));
      const ghsa = {
        id: 'GHSA-qxp5-gwg8-xv66',
        modified: '2025-03-13T00:00:00Z',
        aliases: ['CVE-2025-22870'],
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N' }],
        affected: [
          {
            package: { ecosystem: 'Go', name: 'golang.org/x/net' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.36.0' }] }],
          },
        ],
      };
      const debian = {
        id: 'DEBIAN-CVE-2025-22870',
        modified: '2025-03-20T00:00:00Z',
        upstream: ['CVE-2025-22870'],
        affected: [{ package: { ecosystem: 'Debian:12', name: 'golang-1.19' }, versions: ['1.19.8-2'] }],
      };
      const nvd = readFileSync(
        join(import.meta.dirname, '..', '..', 'src', 'vuln', 'nvd', 'testdata', 'nvdcve-2.0-sample.json'),
      );
      const zip = osvZip({
        'GO-2025-3503.json': JSON.stringify({
          ...go,
          published: '2025-03-12T00:00:00Z',
          modified: '2025-03-12T00:00:00Z',
        }),
        'GHSA-qxp5-gwg8-xv66.json': JSON.stringify(ghsa),
        'DEBIAN-CVE-2025-22870.json': JSON.stringify(debian),
      });
      const imported = await importAdvisories(store, [
        { kind: 'bytes', name: 'all.zip', bytes: zip },
        { kind: 'bytes', name: 'nvdcve-2.0-2025.json.gz', bytes: gzipSync(nvd) },
      ]);
      assert.deepEqual([imported.records, imported.cves, imported.written], [6, 3, 6]);
      const again = await importAdvisories(store, [{ kind: 'bytes', name: 'nvd.json', bytes: nvd }]);
      assert.deepEqual([again.written, again.unchanged], [0, 3], 'the same lastModified keeps the stored row');
      // GitHub's record under its id and its CVE alias; Go's and Debian's rate nothing and give no rows.
      assert.deepEqual(
        (await store.advisories.severities(['CVE-2025-22870', 'GHSA-qxp5-gwg8-xv66', 'CVE-2025-22866'])).map((r) => [
          r.vulnerabilityId,
          r.source,
          r.severity.map((e) => e.type),
        ]),
        [
          ['CVE-2025-22866', 'NVD', ['CVSS_V3']],
          ['CVE-2025-22870', 'GHSA-qxp5-gwg8-xv66', ['CVSS_V3']],
          ['CVE-2025-22870', 'NVD', ['CVSS_V4', 'CVSS_V3']],
          ['GHSA-qxp5-gwg8-xv66', 'GHSA-qxp5-gwg8-xv66', ['CVSS_V3']],
        ],
      );
      // A newer GitHub record that no longer names the CVE drops its row under it; withdrawing it drops the rest.
      const newer = { ...ghsa, modified: '2025-04-01T00:00:00Z', aliases: [] };
      await importAdvisories(store, [
        { kind: 'bytes', name: 'all.zip', bytes: osvZip({ 'g.json': JSON.stringify(newer) }) },
      ]);
      assert.deepEqual(
        (await store.advisories.severities(['CVE-2025-22870', 'GHSA-qxp5-gwg8-xv66'])).map((r) => [
          r.vulnerabilityId,
          r.source,
        ]),
        [
          ['CVE-2025-22870', 'NVD'],
          ['GHSA-qxp5-gwg8-xv66', 'GHSA-qxp5-gwg8-xv66'],
        ],
      );
      const withdrawn = { ...newer, modified: '2025-05-01T00:00:00Z', withdrawn: '2025-05-01T00:00:00Z' };
      await importAdvisories(store, [
        { kind: 'bytes', name: 'all.zip', bytes: osvZip({ 'g.json': JSON.stringify(withdrawn) }) },
      ]);
      assert.deepEqual(
        (await store.advisories.severities(['GHSA-qxp5-gwg8-xv66'])).map((r) => r.source),
        [],
      );
      await importAdvisories(store, [
        { kind: 'bytes', name: 'all.zip', bytes: osvZip({ 'g.json': JSON.stringify(ghsa) }) },
      ]);
      const stdlib = {
        id: 'go-stdlib',
        name: 'stdlib',
        version: 'go1.23.5',
        ecosystem: 'golang' as const,
        type: 'library' as const,
        purl: 'pkg:golang/stdlib@go1.23.5',
        locations: [],
        licenses: [],
        foundBy: 'test',
        layer: 0,
        metadata: { kind: 'language' as const },
      };
      const report = await matchSbom(
        {
          subject: { name: 'registry.example/esbuild:1' },
          packages: [stdlib],
          relationships: [],
          unidentifiedExecutables: [],
          unknowns: [],
          tool: { name: 'sgci', version: 'test' },
        },
        store.advisories,
        { now: new Date('2026-06-01T00:00:00Z') },
      );
      const finding = report.matches.find((f) => f.vulnerability.id === 'CVE-2025-22870');
      assert.equal(finding?.vulnerability.severity, 'CRITICAL');
      assert.deepEqual(finding?.vulnerability.severitySource, { kind: 'alias', id: 'GHSA-qxp5-gwg8-xv66' });
    });

    test('migration 0006 gives the advisories stored before it the severity rows the importer writes', async () => {
      // The order of a record's statements carries no meaning (the highest rating of a kind decides).
      const rowText = (r: { vulnerabilityId: string; source: string; severity: readonly object[] }) =>
        `${r.vulnerabilityId} ${r.source} ${r.severity
          .map((e) => JSON.stringify(e))
          .sort()
          .join(' ')}`;
      const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => ({ ...migrations }) } });
      assert.equal((await migrator.migrateTo('0004-package-affected')).error, undefined);
      // Real records of every shape: CVSS 3.x and 4.0 vectors, per-affected severities, database and ecosystem
      // words, aliases and upstream ids, and none at all.
      const dirs = ['npm', 'pypi', 'go', 'ghsa/osv-schema-converter-pairs', 'debian/derived-osv', 'alpine/derived-osv'];
      const records = dirs.flatMap((dir) =>
        readdirSync(join(corpusDir(), 'osv', dir))
          .filter((f) => f.endsWith('.json'))
          .map((f) => JSON.parse(readFileSync(join(corpusDir(), 'osv', dir, f), 'utf8')))
          .filter((r) => typeof r.id === 'string' && typeof r.modified === 'string' && validateOsv(r).length === 0),
      );
      const unique = [...new Map(records.map((r) => [r.id, r])).values()];
      await store.db.deleteFrom('advisories').execute();
      await store.advisories.upsert(
        unique.map((r) => ({ id: r.id, modified: r.modified, source: 'corpus', raw: r, packages: [] })),
        new Date(),
      );
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      const expected = unique.flatMap(severityRowsOf).map(rowText).sort();
      assert.ok(expected.length > 100, `${expected.length} rows`);
      const ids = [...new Set(unique.flatMap((r) => [r.id, ...(r.aliases ?? []), ...(r.upstream ?? [])]))];
      const stored = (await store.advisories.severities(ids)).map(rowText).sort();
      assert.deepEqual(stored, expected);
    });

    test('VEX statements round-trip through the store', async () => {
      const statement = {
        vulnerability: { id: 'CVE-2021-23337', aliases: [] },
        products: [],
        subcomponents: ['pkg:npm/lodash'],
        status: 'not_affected' as const,
        justification: 'vulnerable_code_not_in_execute_path',
        document: 'store',
        format: 'store' as const,
      };
      const id = await store.vex.add(statement);
      assert.equal(await store.vex.add(statement), id, 'adding the same statement twice is a no-op');
      const listed = await store.vex.list({ vulnerability: 'CVE-2021-23337' });
      assert.equal(listed.length, 1);
      assert.equal(listed[0]?.justification, 'vulnerable_code_not_in_execute_path');
    });
  });
}

storeSuite('sqlite', undefined);
storeSuite('pglite', undefined);
storeSuite('postgres', postgresMissing());

test('a read-only open of a SQLite file written by an older sgci brings it up to date once, then reads it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-vuln-store-old-'));
  try {
    {
      await using store = await openStore({ dataDir: dir });
      await importAdvisories(store, [{ kind: 'path', path: npmDir }]);
      await rollBackBefore0007(store.db);
    }
    {
      // the lookups without kysely do the same
      await using lookups = await openLookups({ dataDir: dir });
      assert.deepEqual((await lookups.advisories.status()).ecosystems, [{ ecosystem: 'npm', advisories: 27 }]);
      await using store = await openStore({ dataDir: dir });
      await rollBackBefore0007(store.db);
    }
    await using reader = await openStore({ dataDir: dir, readOnly: true });
    assert.deepEqual((await reader.advisories.status()).ecosystems, [{ ecosystem: 'npm', advisories: 27 }]);
    await assert.rejects(
      reader.vex.add({
        vulnerability: { id: 'CVE-1', aliases: [] },
        products: [],
        subcomponents: [],
        status: 'fixed',
        document: 'store',
        format: 'store',
      }),
      /readonly/,
      'and it is read-only',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SQLite lookups read the last committed state while an import writes, without waiting for it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-vuln-store-wal-'));
  try {
    await using writer = await openStore({ dataDir: dir });
    await importAdvisories(writer, [{ kind: 'path', path: npmDir }]);
    await using reader = await openStore({ dataDir: dir, readOnly: true });
    let written!: () => void;
    const inTransaction = new Promise<void>((resolve) => {
      written = resolve;
    });
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const importing = writer.transaction(async (tx) => {
      await tx.advisories.remove(['GHSA-35jh-r3h4-6jhm']);
      written();
      await committed;
    });
    await using lookups = await openLookups({ dataDir: dir });
    await inTransaction;
    assert.equal(await reader.advisories.count(), 27, 'the uncommitted removal is not seen');
    assert.equal(await lookups.advisories.count(), 27, 'nor by the lookups without kysely');
    commit();
    await importing;
    assert.equal(await reader.advisories.count(), 26);
    assert.equal(await lookups.advisories.count(), 26);
    await assert.rejects(
      sql`select * from no_such_table`.execute(reader.db),
      (error: Error) => isSgciError(error, 'DATABASE_ERROR') && error.message.includes('sgci.db: no such table'),
      'SQLite errors name the file',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the lookups of a SQLite file without kysely answer as the store does through it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-vuln-store-lookups-'));
  try {
    await using store = await openStore({ dataDir: dir });
    await importAdvisories(store, [
      { kind: 'path', path: npmDir },
      { kind: 'path', path: join(corpusDir(), 'osv', 'pypi') },
    ]);
    for (const [id, status] of [
      ['CVE-2020-28500', 'under_investigation'],
      ['CVE-2021-23337', 'fixed'],
    ] as const)
      await store.vex.add({
        vulnerability: { id, aliases: [] },
        products: [],
        subcomponents: [],
        status,
        document: 'store',
        format: 'store',
      });
    // a package row from before migration 0004, read through its full record
    await sql`update advisory_packages set affected = null where advisory_id = 'GHSA-35jh-r3h4-6jhm'`.execute(store.db);
    await using lookups = await openLookups({ dataDir: dir });
    assert.equal(lookups.kind, 'sqlite');
    const keys = [
      { ecosystem: 'npm', name: 'lodash' },
      { ecosystem: 'npm', name: 'qs' },
      { ecosystem: 'npm', name: 'lodash' },
      { ecosystem: 'npm', name: 'no-such-package' },
      { ecosystem: 'PyPI', name: 'django' },
      { ecosystem: 'Go', name: 'nothing-here' },
    ];
    const found = await lookups.advisories.findByPackages(keys);
    assert.ok(found.length > 3, 'the lookups found advisories');
    assert.deepEqual(found, await store.advisories.findByPackages(keys));
    const ids = [...found.map((f) => f.id), found[0]?.id ?? '', 'NO-SUCH-ID'];
    assert.deepEqual(await lookups.advisories.getMany(ids), await store.advisories.getMany(ids));
    assert.deepEqual(await lookups.advisories.get('NO-SUCH-ID'), undefined);
    const aliases = ['CVE-2021-23337', 'CVE-2020-28500', ...ids];
    const severities = await lookups.advisories.severities(aliases);
    assert.ok(severities.length > 0, 'the lookups found severity rows');
    assert.deepEqual(severities, await store.advisories.severities(aliases));
    assert.deepEqual(await lookups.advisories.status(), await store.advisories.status());
    assert.deepEqual(await lookups.advisories.summary(), await store.advisories.summary());
    assert.equal(await lookups.advisories.count(), await store.advisories.count());
    assert.deepEqual(await lookups.vex.list(), await store.vex.list());
    assert.deepEqual(
      await lookups.vex.list({ vulnerability: 'CVE-2021-23337' }),
      await store.vex.list({ vulnerability: 'CVE-2021-23337' }),
    );
    assert.deepEqual(await lookups.advisories.findByPackages([]), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lookups on a missing or foreign file fail naming it, and create nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-vuln-store-lookups-missing-'));
  try {
    await assert.rejects(
      openLookups({ dataDir: dir }),
      (error: Error) => isSgciError(error, 'DATABASE_ERROR') && /sgci\.db: no advisory database/.test(error.message),
    );
    assert.deepEqual(readdirSync(dir), []);
    writeFileSync(join(dir, 'sgci.db'), 'not a database');
    await assert.rejects(
      openLookups({ dataDir: dir }),
      (error: Error) => isSgciError(error, 'DATABASE_ERROR') && error.message.includes('sgci.db: cannot open database'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
