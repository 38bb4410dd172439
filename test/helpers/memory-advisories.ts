import { severityRowsOf } from '../../src/vuln/match/severity.ts';
import type { OsvRecord } from '../../src/vuln/osv/record.ts';
import type { AdvisoryReader, SeverityRow } from '../../src/vuln/ports.ts';

/**
 * OSV records (and NVD's severity rows) served as the store serves them: candidates by (ecosystem, name), full
 * records by id, severity rows by vulnerability id (each record's under every id it names, as the importer writes).
 */
export function memoryAdvisories(
  records: readonly OsvRecord[],
  source = 'memory',
  nvd: readonly SeverityRow[] = [],
): AdvisoryReader {
  const rows = [...records.flatMap(severityRowsOf), ...nvd];
  return {
    findByPackages: async (keys) =>
      records.flatMap((record) =>
        keys
          .filter((k) =>
            (record.affected ?? []).some((a) => a.package?.ecosystem === k.ecosystem && a.package.name === k.name),
          )
          .map((k) => ({ ...k, id: record.id, affected: record.affected ?? [] })),
      ),
    getMany: async (ids) =>
      records
        .filter((r) => ids.includes(r.id))
        .map((r) => ({ id: r.id, source, raw: r as unknown as Record<string, unknown> })),
    summary: async () => ({ advisories: records.length }),
    severities: async (ids) => rows.filter((row) => ids.includes(row.vulnerabilityId)),
  };
}
