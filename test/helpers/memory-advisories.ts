import type { OsvRecord } from '../../src/vuln/osv/record.ts';
import type { AdvisoryReader } from '../../src/vuln/ports.ts';

/** OSV records served as the store serves them: candidates by (ecosystem, name), then full records by id. */
export function memoryAdvisories(records: readonly OsvRecord[], source = 'memory'): AdvisoryReader {
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
  };
}
