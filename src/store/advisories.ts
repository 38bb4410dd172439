import { type Kysely, sql } from 'kysely';
import type { AdvisoryRecord, SeverityRow } from '../vuln/index.ts';
import type { Database } from './schema.ts';
import { SeverityQueries } from './severities.ts';

export type { AdvisoryRecord };

export interface StoredAdvisory {
  readonly id: string;
  readonly source: string;
  readonly raw: Record<string, unknown>;
}

export interface AdvisoryStatus {
  readonly advisories: number;
  readonly ecosystems: readonly { readonly ecosystem: string; readonly advisories: number }[];
  readonly imports: readonly {
    readonly source: string;
    readonly finishedAt: string;
    readonly records: number;
    readonly withdrawn: number;
    readonly unchanged: number;
  }[];
  readonly feeds: readonly {
    readonly url: string;
    readonly etag?: string;
    readonly lastModified?: string;
    readonly checkedAt: string;
    readonly records: number;
  }[];
}

export interface Feed {
  readonly url: string;
  readonly etag?: string;
  readonly lastModified?: string;
}

const batchSize = 5000;

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/**
 * Advisory persistence. Writes go through set-based statements over `unnest` arrays: a batch of five thousand
 * records is five statements whatever its size, which is what makes 200,000-record imports fast on PGlite.
 */
export class AdvisoryRepository {
  readonly #db: Kysely<Database>;
  readonly #severities: SeverityQueries;

  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#severities = new SeverityQueries(db);
  }

  /** Severity statements by vulnerability id (advisories' own, after `upsert`; NVD's); see `SeverityQueries`. */
  upsertSeverities(rows: readonly SeverityRow[]): Promise<{ written: number; unchanged: number }> {
    return this.#severities.upsert(rows);
  }

  severities(ids: readonly string[]): Promise<SeverityRow[]> {
    return this.#severities.find(ids);
  }

  /**
   * Inserts or replaces advisories. A stored record with the same or a newer `modified` time is kept
   * (re-importing is a no-op); returns how many were written and how many were unchanged.
   */
  async upsert(records: readonly AdvisoryRecord[], importedAt: Date): Promise<{ written: number; unchanged: number }> {
    let written = 0;
    let unchanged = 0;
    for (let i = 0; i < records.length; i += batchSize) {
      // The last record of an id wins within one call, as it would across calls.
      const byId = new Map(records.slice(i, i + batchSize).map((r) => [r.id, r]));
      const ids = [...byId.keys()];
      const stored = await sql<{ id: string; modified: Date | string }>`
        select id, modified from advisories where id = any(${ids}::text[])`.execute(this.#db);
      const storedModified = new Map(stored.rows.map((r) => [r.id, new Date(r.modified).getTime()]));
      const changed = [...byId.values()].filter((r) => {
        const previous = storedModified.get(r.id);
        return previous === undefined || new Date(r.modified).getTime() > previous;
      });
      unchanged += byId.size - changed.length;
      if (changed.length === 0) continue;
      written += changed.length;
      const changedIds = changed.map((r) => r.id);
      await sql`
        insert into advisories (id, modified, published, source, imported_at, raw)
        select t.id, t.modified, t.published, t.source, ${importedAt}::timestamptz, t.raw::jsonb
        from unnest(${changedIds}::text[], ${changed.map((r) => r.modified)}::timestamptz[],
                    ${changed.map((r) => r.published ?? null)}::timestamptz[], ${changed.map((r) => r.source)}::text[],
                    ${changed.map((r) => JSON.stringify(r.raw))}::text[]) as t(id, modified, published, source, raw)
        on conflict (id) do update set modified = excluded.modified, published = excluded.published,
          source = excluded.source, imported_at = excluded.imported_at, raw = excluded.raw`.execute(this.#db);
      // Only replaced records have index rows to drop; a first import skips the delete entirely.
      const replaced = changedIds.filter((id) => storedModified.has(id));
      if (replaced.length > 0)
        await sql`delete from advisory_packages where advisory_id = any(${replaced}::text[])`.execute(this.#db);
      const rows = changed.flatMap((r) =>
        r.packages.map((p) => [r.id, p.ecosystem, p.name, JSON.stringify(p.affected)] as const),
      );
      await sql`
        insert into advisory_packages (advisory_id, ecosystem, name, affected)
        select t.advisory_id, t.ecosystem, t.name, t.affected::jsonb
        from unnest(${rows.map((r) => r[0])}::text[], ${rows.map((r) => r[1])}::text[], ${rows.map((r) => r[2])}::text[],
                    ${rows.map((r) => r[3])}::text[]) as t(advisory_id, ecosystem, name, affected)
        on conflict do nothing`.execute(this.#db);
    }
    return { written, unchanged };
  }

  /** Removes advisories by id (withdrawn upstream); returns how many were stored. */
  async remove(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.#db
      .deleteFrom('advisories')
      .where('id', 'in', [...ids])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Every advisory naming one of the packages, in one round trip, with only that package's `affected` entries:
   * full records are loaded afterwards for the few that match (getMany), not for every candidate.
   */
  async findByPackages(
    keys: readonly { readonly ecosystem: string; readonly name: string }[],
  ): Promise<{ ecosystem: string; name: string; id: string; affected: unknown[] }[]> {
    if (keys.length === 0) return [];
    const result = await sql<{ ecosystem: string; name: string; id: string; affected: unknown[] | null }>`
      select p.ecosystem, p.name, p.advisory_id as id, p.affected
      from unnest(${keys.map((k) => k.ecosystem)}::text[], ${keys.map((k) => k.name)}::text[]) as k(ecosystem, name)
      join advisory_packages p on p.ecosystem = k.ecosystem and p.name = k.name
      order by p.ecosystem, p.name, p.advisory_id`.execute(this.#db);
    const legacy = result.rows.filter((r) => r.affected === null).map((r) => r.id);
    if (legacy.length === 0)
      return result.rows as { ecosystem: string; name: string; id: string; affected: unknown[] }[];
    // Rows from before migration 0004: take every affected entry of the full record (the matcher filters by package).
    const full = new Map(
      (await this.getMany(legacy)).map((a) => [a.id, (a.raw.affected as unknown[] | undefined) ?? []]),
    );
    return result.rows.map((r) => ({ ...r, affected: r.affected ?? full.get(r.id) ?? [] }));
  }

  async getMany(ids: readonly string[]): Promise<StoredAdvisory[]> {
    if (ids.length === 0) return [];
    return this.#db
      .selectFrom('advisories')
      .select(['id', 'source', 'raw'])
      .where('id', '=', sql<string>`any(${[...new Set(ids)]}::text[])`)
      .orderBy('id')
      .execute();
  }

  async get(id: string): Promise<StoredAdvisory | undefined> {
    return this.#db.selectFrom('advisories').select(['id', 'source', 'raw']).where('id', '=', id).executeTakeFirst();
  }

  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom('advisories')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async recordImport(entry: {
    source: string;
    startedAt: Date;
    finishedAt: Date;
    records: number;
    withdrawn: number;
    unchanged: number;
  }): Promise<void> {
    await this.#db
      .insertInto('imports')
      .values({
        source: entry.source,
        started_at: entry.startedAt,
        finished_at: entry.finishedAt,
        records: entry.records,
        withdrawn: entry.withdrawn,
        unchanged: entry.unchanged,
        total: await this.count(),
      })
      .execute();
    // Fresh planner statistics: without them PostgreSQL sorts the whole package index for a 1,000-package lookup.
    await sql`analyze advisories`.execute(this.#db);
    await sql`analyze advisory_packages`.execute(this.#db);
  }

  async feed(url: string): Promise<Feed | undefined> {
    const row = await this.#db.selectFrom('feeds').selectAll().where('url', '=', url).executeTakeFirst();
    if (!row) return undefined;
    return {
      url: row.url,
      ...(row.etag ? { etag: row.etag } : {}),
      ...(row.last_modified ? { lastModified: row.last_modified } : {}),
    };
  }

  async saveFeed(feed: Feed & { readonly checkedAt: Date; readonly records: number }): Promise<void> {
    const values = {
      url: feed.url,
      etag: feed.etag ?? null,
      last_modified: feed.lastModified ?? null,
      checked_at: feed.checkedAt,
      records: feed.records,
    };
    await this.#db
      .insertInto('feeds')
      .values(values)
      .onConflict((oc) => oc.column('url').doUpdateSet(values))
      .execute();
  }

  async status(): Promise<AdvisoryStatus> {
    const ecosystems = await sql<{ ecosystem: string; advisories: number }>`
      select ecosystem, count(distinct advisory_id)::int as advisories from advisory_packages
      group by ecosystem order by ecosystem`.execute(this.#db);
    const imports = await this.#db.selectFrom('imports').selectAll().orderBy('id', 'desc').limit(10).execute();
    const feeds = await this.#db.selectFrom('feeds').selectAll().orderBy('url').execute();
    return {
      advisories: await this.count(),
      ecosystems: ecosystems.rows,
      imports: imports.map((r) => ({
        source: r.source,
        finishedAt: iso(r.finished_at),
        records: r.records,
        withdrawn: r.withdrawn,
        unchanged: r.unchanged,
      })),
      feeds: feeds.map((r) => ({
        url: r.url,
        ...(r.etag ? { etag: r.etag } : {}),
        ...(r.last_modified ? { lastModified: r.last_modified } : {}),
        checkedAt: iso(r.checked_at),
        records: r.records,
      })),
    };
  }

  /** What reports say about the database: the total and time of the newest import, read in one cheap query. */
  async summary(): Promise<{ advisories: number; lastImport?: string }> {
    const row = await this.#db
      .selectFrom('imports')
      .select(['finished_at', 'total'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return { advisories: await this.count() };
    // 0 is also what imports recorded before migration 0003 read as; an empty database counts fast anyway.
    return { advisories: row.total > 0 ? row.total : await this.count(), lastImport: iso(row.finished_at) };
  }
}
