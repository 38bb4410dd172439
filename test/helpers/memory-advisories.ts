import type { OsvRecord } from '../../src/vuln/osv/record.ts';
import type { AdvisoryReader, CveSeverity } from '../../src/vuln/ports.ts';

/** The ids an advisory names: its own, its aliases and its upstream ids (what the store's findByIds searches). */
export function namedIds(record: OsvRecord): string[] {
  return [record.id, ...(record.aliases ?? []), ...(record.upstream ?? [])];
}

/**
 * OSV records (and NVD severities) served as the store serves them: candidates by (ecosystem, name), full records by
 * id, other records of a vulnerability by any id they name, NVD severities by CVE id.
 */
export function memoryAdvisories(
  records: readonly OsvRecord[],
  source = 'memory',
  nvd: readonly CveSeverity[] = [],
): AdvisoryReader {
  const stored = (r: OsvRecord) => ({ id: r.id, source, raw: r as unknown as Record<string, unknown> });
  return {
    findByPackages: async (keys) =>
      records.flatMap((record) =>
        keys
          .filter((k) =>
            (record.affected ?? []).some((a) => a.package?.ecosystem === k.ecosystem && a.package.name === k.name),
          )
          .map((k) => ({ ...k, id: record.id, affected: record.affected ?? [] })),
      ),
    getMany: async (ids) => records.filter((r) => ids.includes(r.id)).map(stored),
    summary: async () => ({ advisories: records.length }),
    findByIds: async (ids) => records.filter((r) => namedIds(r).some((id) => ids.includes(id))).map(stored),
    cveSeverities: async (ids) => nvd.filter((c) => ids.includes(c.id)),
  };
}
