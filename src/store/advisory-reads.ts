import type { SeverityRow, VexStatement } from '../vuln/index.ts';
import type { ReadRunner } from './read-queries.ts';
import { compareText, iso, parseJson } from './values.ts';

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

/**
 * The advisory lookups, written once over `readQueries`: through kysely on every engine (the `AdvisoryRepository`
 * adds the writes), or over a read-only SQLite file without it (`openLookups`). Rows are converted here, at the
 * edge, so both give the same answer.
 */
export class AdvisoryReads {
  readonly #reads: ReadRunner;

  constructor(reads: ReadRunner) {
    this.#reads = reads;
  }

  /**
   * Every advisory naming one of the packages, with only that package's `affected` entries: full records are
   * loaded afterwards for the few that match (getMany), not for every candidate. Sorted by ecosystem, name, id.
   */
  async findByPackages(
    keys: readonly { readonly ecosystem: string; readonly name: string }[],
  ): Promise<{ ecosystem: string; name: string; id: string; affected: unknown[] }[]> {
    // One `ecosystem = ? and name in (…)` per ecosystem (an image has a few): an index range scan on every engine,
    // where a row-value IN list of 1,000 pairs costs PostgreSQL a second of planning.
    const byEcosystem = new Map<string, Set<string>>();
    for (const k of keys) {
      const names = byEcosystem.get(k.ecosystem) ?? new Set<string>();
      names.add(k.name);
      byEcosystem.set(k.ecosystem, names);
    }
    const rows: { ecosystem: string; name: string; id: string; affected: unknown[] | string | null }[] = [];
    for (const [ecosystem, names] of byEcosystem)
      for (const row of await this.#reads.rows('packagesByName', { ecosystem, list: [...names] })) rows.push(row);
    rows.sort(
      (a, b) => compareText(a.ecosystem, b.ecosystem) || compareText(a.name, b.name) || compareText(a.id, b.id),
    );
    const legacy = rows.filter((r) => r.affected === null).map((r) => r.id);
    // Rows from before migration 0004: take every affected entry of the full record (the matcher filters by package).
    const full = new Map(
      (await this.getMany(legacy)).map((a) => [a.id, (a.raw.affected as unknown[] | undefined) ?? []]),
    );
    return rows.map((r) => ({
      ecosystem: r.ecosystem,
      name: r.name,
      id: r.id,
      affected: r.affected === null ? (full.get(r.id) ?? []) : parseJson(r.affected),
    }));
  }

  /** Full records by id, sorted by id. */
  async getMany(ids: readonly string[]): Promise<StoredAdvisory[]> {
    const rows = await this.#reads.rows('advisoriesById', { list: [...new Set(ids)] });
    return rows
      .map((row) => ({ id: row.id, source: row.source, raw: parseJson(row.raw) }))
      .sort((a, b) => compareText(a.id, b.id));
  }

  async get(id: string): Promise<StoredAdvisory | undefined> {
    return (await this.getMany([id]))[0];
  }

  /**
   * Severity statements about these vulnerability ids (advisories' own and NVD's), by id and source; which of
   * them rates a finding is decided in src/vuln, so any engine serving these rows gives the same answer.
   */
  async severities(ids: readonly string[]): Promise<SeverityRow[]> {
    const rows = await this.#reads.rows('severitiesById', { list: [...new Set(ids)] });
    return rows
      .map((r) => ({
        vulnerabilityId: r.vulnerability_id,
        source: r.source,
        severity: parseJson(r.severity),
        modified: iso(r.modified),
      }))
      .sort((a, b) => compareText(a.vulnerabilityId, b.vulnerabilityId) || compareText(a.source, b.source));
  }

  async count(): Promise<number> {
    const [row] = await this.#reads.rows('count', {});
    return Number(row?.n ?? 0);
  }

  /** What the database holds, read from the totals each import writes (a few rows at any size). */
  async status(): Promise<AdvisoryStatus> {
    const ecosystems = await this.#reads.rows('ecosystemTotals', {});
    const imports = await this.#reads.rows('recentImports', {});
    return {
      advisories: (await this.summary()).advisories,
      ecosystems: ecosystems
        .map((r) => ({ ecosystem: r.ecosystem, advisories: Number(r.advisories) }))
        .sort((a, b) => compareText(a.ecosystem, b.ecosystem)),
      imports: imports.map((r) => ({
        source: r.source,
        finishedAt: iso(r.finished_at),
        records: r.records,
        withdrawn: r.withdrawn,
        unchanged: r.unchanged,
      })),
      feeds: await this.feeds(),
    };
  }

  /** The remote archives and indexes fetched, with their validators, by URL. */
  async feeds(): Promise<AdvisoryStatus['feeds'][number][]> {
    const rows = await this.#reads.rows('feeds', {});
    return rows
      .map((r) => ({
        url: r.url,
        ...(r.etag ? { etag: r.etag } : {}),
        ...(r.last_modified ? { lastModified: r.last_modified } : {}),
        checkedAt: iso(r.checked_at),
        records: r.records,
      }))
      .sort((a, b) => compareText(a.url, b.url));
  }

  /** What reports say about the database: the total and time of the newest import, read in one cheap query. */
  async summary(): Promise<{ advisories: number; lastImport?: string }> {
    const [row] = await this.#reads.rows('lastImport', {});
    if (!row) return { advisories: await this.count() };
    // 0 is also what imports recorded before migration 0003 read as; an empty database counts fast anyway.
    return { advisories: row.total > 0 ? row.total : await this.count(), lastImport: iso(row.finished_at) };
  }
}

/** The VEX statements authored with `sgci vex add`, read (`VexRepository` adds the writes). */
export class VexReads {
  readonly #reads: ReadRunner;

  constructor(reads: ReadRunner) {
    this.#reads = reads;
  }

  async list(filter: { vulnerability?: string } = {}): Promise<VexStatement[]> {
    const rows = filter.vulnerability
      ? await this.#reads.rows('vexStatementsAbout', { vulnerability: filter.vulnerability })
      : await this.#reads.rows('vexStatements', {});
    return rows.map((r) => parseJson(r.statement) as unknown as VexStatement);
  }
}
