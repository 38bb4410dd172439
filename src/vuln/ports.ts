/**
 * What vulnerability code needs from the database, as interfaces the store implements. vuln does not
 * import the store (the store sits on top and imports these types); tests can pass any implementation.
 */
import type { VexStatement } from './types.ts';

/** One OSV record ready to store: validated, with the package index rows matching will search by. */
export interface AdvisoryRecord {
  readonly id: string;
  readonly modified: string;
  readonly published?: string;
  readonly source: string;
  readonly raw: Readonly<Record<string, unknown>>;
  /** Index rows: each package with the record's `affected` entries that name it. */
  readonly packages: readonly {
    readonly ecosystem: string;
    readonly name: string;
    readonly affected: readonly unknown[];
  }[];
}

/**
 * One severity statement of a record: a CVSS vector (`CVSS_V3`, `CVSS_V4`; scored by sgci), a CVSS 2.0 vector with
 * the rating its source gives, or an ecosystem's or database's word (`ecosystem`, rating only).
 */
export interface SeverityEntry {
  readonly type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'ecosystem';
  readonly score?: string;
  readonly rating?: string;
}

/**
 * What one record says about the severity of a vulnerability id: an advisory about each id it names (its own,
 * aliases, upstream), or NVD about a CVE. Findings their own advisories leave unrated are rated from these.
 */
export interface SeverityRow {
  readonly vulnerabilityId: string;
  /** The advisory id, or `NVD`. */
  readonly source: string;
  readonly severity: readonly SeverityEntry[];
  /** The record's `modified` (NVD: `lastModified`): a newer one replaces an older one. */
  readonly modified: string;
}

export interface AdvisoryWriter {
  upsert(records: readonly AdvisoryRecord[], importedAt: Date): Promise<{ written: number; unchanged: number }>;
  /**
   * Stores severity rows. A row replaces a stored one of the same id and source only when it is newer; rows of an
   * advisory's older version are dropped (it may name fewer ids now). Advisory rows follow their advisory: write
   * them after `upsert`; `remove` removes them too.
   */
  upsertSeverities(rows: readonly SeverityRow[]): Promise<{ written: number; unchanged: number }>;
  remove(ids: readonly string[]): Promise<number>;
  recordImport(entry: {
    source: string;
    startedAt: Date;
    finishedAt: Date;
    records: number;
    withdrawn: number;
    unchanged: number;
  }): Promise<void>;
  feed(url: string): Promise<{ etag?: string; lastModified?: string } | undefined>;
  saveFeed(feed: {
    url: string;
    etag?: string;
    lastModified?: string;
    checkedAt: Date;
    records: number;
  }): Promise<void>;
}

export interface AdvisoryReader {
  /** Candidates for the packages: each advisory naming one, with its `affected` entries for that package. */
  findByPackages(keys: readonly { readonly ecosystem: string; readonly name: string }[]): Promise<
    readonly {
      readonly ecosystem: string;
      readonly name: string;
      readonly id: string;
      readonly affected: readonly unknown[];
    }[]
  >;
  /** Full records by id: loaded only for the advisories that matched. */
  getMany(
    ids: readonly string[],
  ): Promise<readonly { readonly id: string; readonly source: string; readonly raw: Record<string, unknown> }[]>;
  /** Advisory total and newest import time, for the report header. */
  summary(): Promise<{ advisories: number; lastImport?: string }>;
  /** Severity rows about these vulnerability ids, from advisories and from NVD. */
  severities(ids: readonly string[]): Promise<readonly SeverityRow[]>;
}

/** A database advisories can be imported into: writes happen in one transaction. */
export interface AdvisoryDatabase {
  transaction<T>(fn: (tx: { readonly advisories: AdvisoryWriter }) => Promise<T>): Promise<T>;
  readonly advisories: AdvisoryReader & AdvisoryWriter;
}

export interface VexStore {
  list(filter?: { vulnerability?: string }): Promise<VexStatement[]>;
}

/** A database a prebuilt advisory index (one signed SQLite file) can be installed into. */
export interface IndexDatabase {
  readonly advisories: { feed(url: string): Promise<{ etag?: string; lastModified?: string } | undefined> };
  /** Replaces the advisories by the index's in one transaction; `file` is a verified private copy. */
  installIndex(
    file: string,
    feed: { readonly url: string; readonly etag?: string; readonly lastModified?: string },
  ): Promise<{ records: number; written: number; unchanged: number; removed: number }>;
}
