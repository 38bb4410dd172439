/** Advisory data for the benchmarks: the shared corpus's OSV records and generated ones for scale. */
import { join } from 'node:path';
import { openStore } from '../../src/store/index.ts';
import { importAdvisories } from '../../src/vuln/index.ts';
import { corpusDir } from '../../test/helpers/fixtures.ts';

/** The corpus's OSV directories (Debian, Alpine, npm, PyPI, Go and the few others), without the schema examples. */
export function corpusAdvisoryDirs(): string[] {
  const osv = join(corpusDir(), 'osv');
  return ['debian/derived-osv', 'alpine/derived-osv', 'npm', 'pypi', 'go', 'misc-from-osv-scanner', 'redhat'].map(
    (dir) => join(osv, dir),
  );
}

/**
 * A generated npm advisory: one package of 50,000 (so each has four), fixed at `1.<i % 10>.1`; the shape of a
 * GHSA record with alias, CVSS vector and reference.
 */
export function syntheticAdvisory(i: number): object {
  return {
    schema_version: '1.6.0',
    id: `OSV-2099-${i}`,
    modified: '2025-01-01T00:00:00Z',
    published: '2024-06-01T00:00:00Z',
    aliases: [`CVE-2099-${i}`],
    summary: `synthetic advisory ${i}`,
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
    affected: [
      {
        package: { ecosystem: 'npm', name: `synthetic-pkg-${i % 50_000}`, purl: `pkg:npm/synthetic-pkg-${i % 50_000}` },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `1.${i % 10}.1` }] }],
      },
    ],
    references: [{ type: 'ADVISORY', url: `https://example.invalid/${i}` }],
  };
}

/**
 * An SGCI_HOME whose advisory database holds the corpus's OSV data and generated npm advisories up to `total`,
 * imported as a user's `db import` would; the number of records.
 */
export async function buildAdvisoryHome(home: string, total: number): Promise<number> {
  await using store = await openStore({ dataDir: join(home, 'db') });
  await importAdvisories(
    store,
    corpusAdvisoryDirs().map((path) => ({ kind: 'path' as const, path })),
    { skipInvalid: true },
  );
  // one JSON array per 10,000 records: each document stays below the 16 MiB bound of a record file
  const generated = Math.max(0, total - (await store.advisories.count()));
  for (let start = 0; start < generated; start += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, generated - start) }, (_, i) => syntheticAdvisory(start + i));
    await importAdvisories(store, [
      { kind: 'bytes', name: `synthetic-${start}.json`, bytes: Buffer.from(JSON.stringify(batch)) },
    ]);
  }
  return store.advisories.count();
}
