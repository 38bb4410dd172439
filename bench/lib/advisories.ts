/** Advisory data for the benchmarks: the shared corpus's OSV records and generated ones for scale. */
import { join } from 'node:path';
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
