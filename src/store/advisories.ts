import type { Kysely } from 'kysely';
import type { AdvisoryRecord, SeverityRow } from '../vuln/index.ts';
import { AdvisoryReads } from './advisory-reads.ts';
import { kyselyReads } from './read-queries.ts';
import type { Database } from './schema.ts';
import { SeverityQueries } from './severities.ts';
import { chunks, compareText, iso, maxParameters, parseJson } from './values.ts';

export type { AdvisoryStatus, StoredAdvisory } from './advisory-reads.ts';
export type { AdvisoryRecord };

export interface Feed {
  readonly url: string;
  readonly etag?: string;
  readonly lastModified?: string;
}

/** Records per upsert round: one lookup of what is stored, then each table written in statements of maxParameters. */
const batchSize = 5000;

/**
 * Advisory persistence, written once for every engine (SQLite, PGlite, PostgreSQL). Writes are set-based:
 * multi-row inserts of up to maxParameters bound values, so a batch of five thousand records is a handful of
 * statements on any engine (and SQLite reuses each prepared statement across batches).
 */
export class AdvisoryRepository extends AdvisoryReads {
  readonly #db: Kysely<Database>;
  readonly #severities: SeverityQueries;

  constructor(db: Kysely<Database>) {
    super(kyselyReads(db));
    this.#db = db;
    this.#severities = new SeverityQueries(db);
  }

  /** Severity statements by vulnerability id (advisories' own, after `upsert`; NVD's); see `SeverityQueries`. */
  upsertSeverities(rows: readonly SeverityRow[]): Promise<{ written: number; unchanged: number }> {
    return this.#severities.upsert(rows);
  }

  /** Every severity row a page at a time, by (id, source): copying them between stores. */
  severityPage(after: { vulnerabilityId: string; source: string } | undefined, limit: number): Promise<SeverityRow[]> {
    return this.#severities.page(after, limit);
  }

  /** Drops NVD's severity rows (an installed index brings its own; advisories' rows go with their advisory). */
  removeNvdSeverities(): Promise<void> {
    return this.#severities.removeNvd();
  }

  /**
   * Inserts or replaces advisories. A stored record with the same or a newer `modified` time is kept
   * (re-importing is a no-op); returns how many were written and how many were unchanged.
   */
  async upsert(records: readonly AdvisoryRecord[], importedAt: Date): Promise<{ written: number; unchanged: number }> {
    let written = 0;
    let unchanged = 0;
    for (const batch of chunks(records, batchSize)) {
      // The last record of an id wins within one call, as it would across calls.
      const byId = new Map(batch.map((r) => [r.id, r]));
      const storedModified = new Map<string, number>();
      for (const ids of chunks([...byId.keys()], maxParameters)) {
        const stored = await this.#db
          .selectFrom('advisories')
          .select(['id', 'modified'])
          .where('id', 'in', ids)
          .execute();
        for (const row of stored) storedModified.set(row.id, new Date(row.modified).getTime());
      }
      const changed = [...byId.values()].filter((r) => {
        const previous = storedModified.get(r.id);
        return previous === undefined || new Date(r.modified).getTime() > previous;
      });
      unchanged += byId.size - changed.length;
      if (changed.length === 0) continue;
      written += changed.length;
      const rows = changed.map((r) => ({
        id: r.id,
        modified: new Date(r.modified),
        published: r.published ? new Date(r.published) : null,
        source: r.source,
        imported_at: importedAt,
        raw: JSON.stringify(r.raw),
      }));
      for (const part of chunks(rows, Math.floor(maxParameters / 6))) {
        await this.#db
          .insertInto('advisories')
          .values(part)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              modified: eb.ref('excluded.modified'),
              published: eb.ref('excluded.published'),
              source: eb.ref('excluded.source'),
              imported_at: eb.ref('excluded.imported_at'),
              raw: eb.ref('excluded.raw'),
            })),
          )
          .execute();
      }
      // Only replaced records have index rows to drop; a first import skips the delete entirely.
      const replaced = changed.map((r) => r.id).filter((id) => storedModified.has(id));
      for (const ids of chunks(replaced, maxParameters))
        await this.#db.deleteFrom('advisory_packages').where('advisory_id', 'in', ids).execute();
      const packages = changed.flatMap((r) =>
        r.packages.map((p) => ({
          advisory_id: r.id,
          ecosystem: p.ecosystem,
          name: p.name,
          affected: JSON.stringify(p.affected),
        })),
      );
      for (const part of chunks(packages, Math.floor(maxParameters / 4)))
        await this.#db
          .insertInto('advisory_packages')
          .values(part)
          .onConflict((oc) => oc.doNothing())
          .execute();
    }
    return { written, unchanged };
  }

  /**
   * Up to `limit` stored advisories after `afterId` in id order, as records ready to upsert into another store
   * (exporting and installing an index): keyset pages, so copying 200,000 records never holds them all.
   */
  async page(afterId: string | undefined, limit: number): Promise<AdvisoryRecord[]> {
    let query = this.#db
      .selectFrom('advisories')
      .select(['id', 'modified', 'published', 'source', 'raw'])
      .orderBy('id')
      .limit(limit);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    const rows = await query.execute();
    const packages = new Map<string, { ecosystem: string; name: string; affected: unknown[] }[]>();
    for (const ids of chunks(
      rows.map((r) => r.id),
      maxParameters,
    )) {
      const found = await this.#db
        .selectFrom('advisory_packages')
        .select(['advisory_id', 'ecosystem', 'name', 'affected'])
        .where('advisory_id', 'in', ids)
        .execute();
      for (const p of found) {
        const list = packages.get(p.advisory_id) ?? [];
        list.push({ ecosystem: p.ecosystem, name: p.name, affected: p.affected === null ? [] : parseJson(p.affected) });
        packages.set(p.advisory_id, list);
      }
    }
    return rows.map((r) => ({
      id: r.id,
      modified: iso(r.modified),
      ...(r.published === null ? {} : { published: iso(r.published) }),
      source: r.source,
      raw: parseJson(r.raw),
      packages: (packages.get(r.id) ?? []).sort(
        (a, b) => compareText(a.ecosystem, b.ecosystem) || compareText(a.name, b.name),
      ),
    }));
  }

  /** Every stored advisory id. */
  async ids(): Promise<string[]> {
    return (await this.#db.selectFrom('advisories').select('id').execute()).map((r) => r.id);
  }

  /** Removes advisories by id (withdrawn upstream); returns how many were stored. */
  async remove(ids: readonly string[]): Promise<number> {
    let removed = 0;
    for (const part of chunks(ids, maxParameters)) {
      const result = await this.#db.deleteFrom('advisories').where('id', 'in', part).executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    return removed;
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
    await this.#db.deleteFrom('ecosystem_totals').execute();
    await this.#db
      .insertInto('ecosystem_totals')
      .columns(['ecosystem', 'advisories'])
      .expression((eb) =>
        eb
          .selectFrom('advisory_packages')
          .select((eb) => ['ecosystem', eb.fn.count<number>('advisory_id').distinct().as('advisories')])
          .groupBy('ecosystem'),
      )
      .execute();
    // Fresh planner statistics: without them PostgreSQL sorts the whole package index for a 1,000-package lookup.
    // (kysely is loaded: this store is open; importing it here keeps this module free of it for storeExists.)
    const { sql } = await import('kysely');
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

  /** Forgets every feed's validators (the advisories they described were replaced by an installed index). */
  async removeFeeds(): Promise<void> {
    await this.#db.deleteFrom('feeds').execute();
  }
}
