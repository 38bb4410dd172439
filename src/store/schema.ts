import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { SeverityEntry } from '../vuln/index.ts';

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
  scan_results: ScanResultsTable;
  severities: SeveritiesTable;
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

export interface ScanResultsTable {
  /** Content key of the scan (manifest digest, sgci version, policy digest, build inputs). */
  key: string;
  manifest_digest: string;
  tool_version: string;
  result: JSONColumnType<object, string, string>;
  created_at: Timestamp;
}

/**
 * Severity statements by vulnerability id: an advisory's under every id it names, NVD's per CVE (`source` `NVD`,
 * no advisory). They rate findings their own advisories do not.
 */
export interface SeveritiesTable {
  vulnerability_id: string;
  /** The advisory id, or `NVD`. */
  source: string;
  /** The advisory the row belongs to (deleted with it); null for NVD. */
  advisory_id: string | null;
  severity: JSONColumnType<SeverityEntry[], string, string>;
  modified: Timestamp;
}
