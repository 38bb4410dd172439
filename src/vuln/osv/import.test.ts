import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { storedZip } from '../../../test/helpers/zip.ts';
import type { AdvisoryDatabase, AdvisoryRecord, AdvisoryWriter, SeverityRow } from '../ports.ts';
import { importAdvisories } from './import.ts';

/** An advisory database in memory that remembers how the import batched its writes. */
function recordingDatabase(): AdvisoryDatabase & {
  readonly batches: AdvisoryRecord[][];
  readonly severities: Map<string, SeverityRow>;
} {
  const batches: AdvisoryRecord[][] = [];
  const severities = new Map<string, SeverityRow>();
  const stored = new Map<string, AdvisoryRecord>();
  const writer: AdvisoryWriter = {
    async upsert(records) {
      batches.push([...records]);
      for (const record of records) stored.set(record.id, record);
      return { written: records.length, unchanged: 0 };
    },
    async upsertSeverities(rows) {
      for (const row of rows) severities.set(`${row.vulnerabilityId} ${row.source}`, row);
      return { written: rows.length, unchanged: 0 };
    },
    async remove(ids) {
      return ids.filter((id) => stored.delete(id)).length;
    },
    async recordImport() {},
    async feed() {
      return undefined;
    },
    async saveFeed() {},
  };
  return {
    batches,
    severities,
    transaction: (fn) => fn({ advisories: writer }),
    advisories: {
      ...writer,
      findByPackages: async () => [],
      getMany: async () => [],
      summary: async () => ({ advisories: stored.size }),
      severities: async () => [],
    },
  };
}

function record(id: string, details = ''): string {
  return JSON.stringify({
    id,
    modified: '2024-01-01T00:00:00Z',
    details,
    affected: [
      {
        package: { ecosystem: 'npm', name: 'left-pad' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }],
      },
    ],
  });
}

describe('importAdvisories', () => {
  test('writes batches bounded by bytes, not only by count', async () => {
    // 40 records of 100 KiB with a 1 MiB bound: by count alone (5,000) they were one batch of 4 MiB.
    const zip = storedZip(
      Array.from({ length: 40 }, (_, i) => ({
        name: `OSV-${i}.json`,
        data: Buffer.from(record(`OSV-${i}`, 'x'.repeat(100 * 1024))),
      })),
    );
    const db = recordingDatabase();
    const result = await importAdvisories(db, [{ kind: 'bytes', name: 'all.zip', bytes: zip }], {
      limits: { maxBatchBytes: 1024 * 1024 },
    });
    assert.equal(result.written, 40);
    const sizes = db.batches.map((batch) => batch.reduce((n, r) => n + JSON.stringify(r.raw).length, 0));
    assert.ok(db.batches.length >= 4, `${db.batches.length} batches`);
    // A batch ends with the record that reaches the bound.
    for (const size of sizes) assert.ok(size < 1024 * 1024 + 110 * 1024, `batch of ${size} bytes`);
  });

  test('a record nested 100k deep is an invalid record with its source, not a stack overflow', async () => {
    const deep = `{"id":"OSV-DEEP","modified":"2024-01-01T00:00:00Z","database_specific":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    const db = recordingDatabase();
    const bytes = storedZip([
      { name: 'deep.json', data: Buffer.from(deep) },
      { name: 'ok.json', data: Buffer.from(record('OSV-OK')) },
    ]);
    const result = await importAdvisories(db, [{ kind: 'bytes', name: 'all.zip', bytes }], { skipInvalid: true });
    assert.deepEqual(result.invalid, [{ source: 'all.zip!deep.json', message: 'nests deeper than 512 levels' }]);
    assert.equal(result.written, 1);
  });
});

/** NVD CVE JSON 2.0 records written for sgci's tests (see src/vuln/nvd/testdata). */
const nvdSample = readFileSync(join(import.meta.dirname, '..', 'nvd', 'testdata', 'nvdcve-2.0-sample.json'));

describe('importAdvisories reads NVD CVE JSON 2.0', () => {
  test('the CVEs NVD rates are stored by id; rejected and unanalysed ones are not', async () => {
    const db = recordingDatabase();
    const result = await importAdvisories(db, [{ kind: 'bytes', name: 'nvd.json', bytes: nvdSample }]);
    assert.deepEqual([result.records, result.cves, result.written], [3, 3, 3]);
    assert.deepEqual([...db.severities.keys()].sort(), [
      'CVE-2009-0001 NVD',
      'CVE-2025-22866 NVD',
      'CVE-2025-22870 NVD',
    ]);
    assert.equal(db.batches.length, 0, 'no OSV records');
  });

  test('a yearly feed past the record bound is split per CVE, as .json, .json.gz and in a .json.zip', async () => {
    // 4 KiB records stand in for a 300 MB feed: the feed is read whole only as bytes, never parsed whole.
    const limits = { maxRecordBytes: 4096 };
    assert.ok(nvdSample.length > limits.maxRecordBytes);
    const dir = mkdtempSync(join(tmpdir(), 'sgci-nvd-'));
    try {
      writeFileSync(join(dir, 'nvdcve-2.0-2025.json'), nvdSample);
      writeFileSync(join(dir, 'nvdcve-2.0-2024.json.gz'), gzipSync(nvdSample));
      const fromDir = await importAdvisories(recordingDatabase(), [{ kind: 'path', path: dir }], { limits });
      assert.equal(fromDir.cves, 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const zip = storedZip([{ name: 'nvdcve-2.0-2025.json', data: nvdSample }]);
    const fromZip = await importAdvisories(recordingDatabase(), [{ kind: 'bytes', name: 'nvd.zip', bytes: zip }], {
      limits,
    });
    assert.equal(fromZip.cves, 3);
    // Any other large entry is refused before it is inflated, as before.
    const other = storedZip([{ name: 'GHSA-big.json', data: nvdSample }]);
    await assert.rejects(
      importAdvisories(recordingDatabase(), [{ kind: 'bytes', name: 'osv.zip', bytes: other }], { limits }),
      {
        code: 'LIMIT_EXCEEDED',
        message: /^osv\.zip!GHSA-big\.json: zip entry of \d+ bytes exceeds 4096/,
      },
    );
  });

  test('an invalid CVE record is named with its id; a gzip bomb stops at the feed bound', async () => {
    const doc = JSON.stringify({
      format: 'NVD_CVE',
      vulnerabilities: [{ cve: { id: 'CVE-2025-0001', lastModified: 'soon' } }],
    });
    const result = await importAdvisories(
      recordingDatabase(),
      [{ kind: 'bytes', name: 'bad.json', bytes: Buffer.from(doc) }],
      {
        skipInvalid: true,
      },
    );
    assert.deepEqual(result.invalid, [
      { source: 'bad.json', id: 'CVE-2025-0001', message: '/cve/lastModified is not a time: soon' },
    ]);
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    await assert.rejects(
      importAdvisories(recordingDatabase(), [{ kind: 'bytes', name: 'bomb.json.gz', bytes: bomb }], {
        limits: { maxFeedBytes: 1024 * 1024 },
      }),
      { code: 'LIMIT_EXCEEDED', message: 'bomb.json.gz: decompresses to more than 1048576 bytes' },
    );
  });
});
