import { type Kysely, sql } from 'kysely';
import type { SeverityRow } from '../vuln/index.ts';
import type { Database } from './schema.ts';

/** The source NVD's rows are stored under (as src/vuln/match/severity.ts names them). */
const nvd = 'NVD';

/**
 * Severity statements by vulnerability id (migration 0005): which of them rates a finding is decided in src/vuln,
 * so any engine serving these rows gives the same answer.
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
    const newest = new Map<string, string>();
    for (const r of unique)
      if (r.source !== nvd && (newest.get(r.source) ?? '') < r.modified) newest.set(r.source, r.modified);
    // A newer version of an advisory replaces all its rows: it may name fewer ids than the stored one.
    if (newest.size > 0)
      // `advisory_id = any(…)` keeps this an index lookup: a join with the unnest scanned the whole table per batch.
      await sql`
        delete from severities s
        where s.advisory_id = any(${[...newest.keys()]}::text[])
          and s.modified < (select t.modified
                            from unnest(${[...newest.keys()]}::text[], ${[...newest.values()]}::timestamptz[])
                              as t(source, modified)
                            where t.source = s.advisory_id)`.execute(this.#db);
    const result = await sql<{ vulnerability_id: string }>`
      insert into severities (vulnerability_id, source, advisory_id, severity, modified)
      select t.vulnerability_id, t.source, nullif(t.source, ${nvd}), t.severity::jsonb, t.modified
      from unnest(${unique.map((r) => r.vulnerabilityId)}::text[], ${unique.map((r) => r.source)}::text[],
                  ${unique.map((r) => JSON.stringify(r.severity))}::text[],
                  ${unique.map((r) => r.modified)}::timestamptz[]) as t(vulnerability_id, source, severity, modified)
      on conflict (vulnerability_id, source) do update set severity = excluded.severity, modified = excluded.modified
        where severities.modified < excluded.modified
      returning vulnerability_id`.execute(this.#db);
    return { written: result.rows.length, unchanged: unique.length - result.rows.length };
  }

  async find(ids: readonly string[]): Promise<SeverityRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db
      .selectFrom('severities')
      .select(['vulnerability_id', 'source', 'severity', 'modified'])
      .where('vulnerability_id', '=', sql<string>`any(${[...new Set(ids)]}::text[])`)
      .orderBy('vulnerability_id')
      .orderBy('source')
      .execute();
    return rows.map((r) => ({
      vulnerabilityId: r.vulnerability_id,
      source: r.source,
      severity: r.severity,
      modified: new Date(r.modified).toISOString(),
    }));
  }
}
