import type { Kysely } from 'kysely';
import type { SeverityRow } from '../vuln/index.ts';
import type { Database } from './schema.ts';
import { chunks, iso, maxParameters, parseJson } from './values.ts';

/** The source NVD's rows are stored under (as src/vuln/match/severity.ts names them). */
const nvd = 'NVD';

/**
 * Severity statements by vulnerability id (migration 0006): which of them rates a finding is decided in src/vuln,
 * so any engine serving these rows gives the same answer. Written once for every engine, like the advisories.
 */
export class SeverityQueries {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async upsert(rows: readonly SeverityRow[]): Promise<{ written: number; unchanged: number }> {
    if (rows.length === 0) return { written: 0, unchanged: 0 };
    // The last row of an (id, source) wins within one call, as it would across calls.
    const unique = [...new Map(rows.map((r) => [`${r.vulnerabilityId}\u0000${r.source}`, r])).values()];
    const newest = new Map<string, number>();
    for (const r of unique) {
      const modified = new Date(r.modified).getTime();
      if (r.source !== nvd && (newest.get(r.source) ?? Number.NEGATIVE_INFINITY) < modified)
        newest.set(r.source, modified);
    }
    // A newer version of an advisory replaces all its rows: it may name fewer ids than the stored one. The rows of
    // one advisory share its `modified`, so one index lookup by advisory finds the versions to drop.
    const older = new Set<string>();
    for (const ids of chunks([...newest.keys()], maxParameters)) {
      const stored = await this.#db
        .selectFrom('severities')
        .select(['advisory_id', 'modified'])
        .distinct()
        .where('advisory_id', 'in', ids)
        .execute();
      for (const row of stored)
        if (row.advisory_id !== null && new Date(row.modified).getTime() < (newest.get(row.advisory_id) ?? 0))
          older.add(row.advisory_id);
    }
    for (const ids of chunks([...older], maxParameters))
      await this.#db.deleteFrom('severities').where('advisory_id', 'in', ids).execute();
    let written = 0;
    for (const part of chunks(unique, Math.floor(maxParameters / 5))) {
      const result = await this.#db
        .insertInto('severities')
        .values(
          part.map((r) => ({
            vulnerability_id: r.vulnerabilityId,
            source: r.source,
            advisory_id: r.source === nvd ? null : r.source,
            severity: JSON.stringify(r.severity),
            modified: new Date(r.modified),
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['vulnerability_id', 'source'])
            .doUpdateSet((eb) => ({ severity: eb.ref('excluded.severity'), modified: eb.ref('excluded.modified') }))
            .where('severities.modified', '<', (eb) => eb.ref('excluded.modified')),
        )
        .returning('vulnerability_id')
        .execute();
      written += result.length;
    }
    return { written, unchanged: unique.length - written };
  }

  /**
   * Up to `limit` rows after the (id, source) `after`, in that order: copying every row between stores (an index
   * export or install) a page at a time.
   */
  async page(after: { vulnerabilityId: string; source: string } | undefined, limit: number): Promise<SeverityRow[]> {
    let query = this.#db
      .selectFrom('severities')
      .select(['vulnerability_id', 'source', 'severity', 'modified'])
      .orderBy('vulnerability_id')
      .orderBy('source')
      .limit(limit);
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('vulnerability_id', '>', after.vulnerabilityId),
          eb.and([eb('vulnerability_id', '=', after.vulnerabilityId), eb('source', '>', after.source)]),
        ]),
      );
    return (await query.execute()).map((r) => ({
      vulnerabilityId: r.vulnerability_id,
      source: r.source,
      severity: parseJson(r.severity),
      modified: iso(r.modified),
    }));
  }

  /** Drops NVD's rows (an installed index brings its own). */
  async removeNvd(): Promise<void> {
    await this.#db.deleteFrom('severities').where('source', '=', nvd).execute();
  }
}
