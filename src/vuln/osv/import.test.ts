import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storedZip } from '../../../test/helpers/zip.ts';
import type { AdvisoryDatabase, AdvisoryRecord, AdvisoryWriter } from '../ports.ts';
import { importAdvisories } from './import.ts';

/** An advisory database in memory that remembers how the import batched its writes. */
function recordingDatabase(): AdvisoryDatabase & { readonly batches: AdvisoryRecord[][] } {
  const batches: AdvisoryRecord[][] = [];
  const stored = new Map<string, AdvisoryRecord>();
  const writer: AdvisoryWriter = {
    async upsert(records) {
      batches.push([...records]);
      for (const record of records) stored.set(record.id, record);
      return { written: records.length, unchanged: 0 };
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
    transaction: (fn) => fn({ advisories: writer }),
    advisories: {
      ...writer,
      findByPackages: async () => [],
      getMany: async () => [],
      summary: async () => ({ advisories: stored.size }),
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
