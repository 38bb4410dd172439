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

/** An OSV `severity` entry, or NVD's: the vector and, where the source states it, its own rating (CVSS 2.0). */
export interface SeverityEntry {
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4` (OSV's names). */
  readonly type: string;
  /** The vector. */
  readonly score: string;
  readonly rating?: string;
}

/** NVD's CVSS for one CVE, from an NVD CVE JSON 2.0 record: what rates a CVE no advisory rates. */
export interface CveSeverity {
  readonly id: string;
  /** NVD's `lastModified`: a newer import replaces an older one. */
  readonly modified: string;
  /** NVD's own (Primary) metric of each CVSS version, else the CNA's (Secondary). */
  readonly severity: readonly SeverityEntry[];
}

export interface AdvisoryWriter {
  upsert(records: readonly AdvisoryRecord[], importedAt: Date): Promise<{ written: number; unchanged: number }>;
  /** Inserts or replaces NVD severities; a stored one with the same or a newer `modified` is kept. */
  upsertCveSeverities(records: readonly CveSeverity[]): Promise<{ written: number; unchanged: number }>;
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
  /**
   * Advisories naming any of `ids` as their id, an alias or an upstream id: the other records of the same
   * vulnerabilities (a GHSA or a distro's record beside Go's), for severities the matched ones lack.
   */
  findByIds(
    ids: readonly string[],
  ): Promise<readonly { readonly id: string; readonly source: string; readonly raw: Record<string, unknown> }[]>;
  /** NVD's severities of these CVE ids, where imported. */
  cveSeverities(ids: readonly string[]): Promise<readonly CveSeverity[]>;
}

/** A database advisories can be imported into: writes happen in one transaction. */
export interface AdvisoryDatabase {
  transaction<T>(fn: (tx: { readonly advisories: AdvisoryWriter }) => Promise<T>): Promise<T>;
  readonly advisories: AdvisoryReader & AdvisoryWriter;
}

export interface VexStore {
  list(filter?: { vulnerability?: string }): Promise<VexStatement[]>;
}
