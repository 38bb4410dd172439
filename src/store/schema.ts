import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/**
 * The tables of the one sgci database. Timestamps are timestamptz (read back as Date by both drivers);
 * repositories convert them to ISO strings at their edge.
 */
export interface Database {
  advisories: AdvisoriesTable;
  advisory_packages: AdvisoryPackagesTable;
  imports: ImportsTable;
  feeds: FeedsTable;
  vex_statements: VexStatementsTable;
  cve_severities: CveSeveritiesTable;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface AdvisoriesTable {
  id: string;
  modified: Timestamp;
  published: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** The file, archive entry or URL the record was imported from. */
  source: string;
  imported_at: Timestamp;
  /** The OSV record as imported, validated against the OSV schema. */
  raw: JSONColumnType<Record<string, unknown>, string, string>;
}

/** One row per (advisory, ecosystem, package): the index matching searches by. */
export interface AdvisoryPackagesTable {
  advisory_id: string;
  /** OSV ecosystem as written, with release: `Debian:12`, `npm`. */
  ecosystem: string;
  /** Package name as matching looks it up (PyPI names normalised per PEP 503). */
  name: string;
  /** The record's `affected` entries for this package; null for rows imported before migration 0004. */
  affected: ColumnType<unknown[] | null, string | null, string | null>;
}

export interface ImportsTable {
  id: Generated<number>;
  source: string;
  started_at: Timestamp;
  finished_at: Timestamp;
  records: number;
  withdrawn: number;
  unchanged: number;
  /** Advisories stored after this import. */
  total: Generated<number>;
}

/** Remote archives `db update` fetches, with the validators of the last response (conditional requests). */
export interface FeedsTable {
  url: string;
  etag: string | null;
  last_modified: string | null;
  checked_at: Timestamp;
  records: number;
}

export interface VexStatementsTable {
  /** Content hash of the statement: adding the same statement twice is a no-op. */
  id: string;
  vulnerability: string;
  statement: JSONColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
}

/** NVD's CVSS per CVE (NVD CVE JSON 2.0 records): rates findings no advisory rates. */
export interface CveSeveritiesTable {
  cve_id: string;
  /** NVD's lastModified. */
  modified: Timestamp;
  /** Severity entries as OSV writes them (`{type: 'CVSS_V3', score: vector}`), CVSS 2.0 with NVD's rating. */
  severity: JSONColumnType<{ type: string; score: string; rating?: string }[], string, string>;
}
