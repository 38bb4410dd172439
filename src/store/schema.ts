import type { ColumnType, Generated } from 'kysely';
import type { SeverityEntry } from '../vuln/index.ts';

/**
 * The tables of the one sgci database, written once in PostgreSQL's types. PostgreSQL and PGlite read timestamps
 * back as Date and JSON parsed; SQLite stores both as text (see sqlite-dialect.ts). Repositories convert at their
 * edge (`iso`, `parseJson`), so nothing above the store sees the difference.
 */
export interface Database {
  advisories: AdvisoriesTable;
  advisory_packages: AdvisoryPackagesTable;
  imports: ImportsTable;
  ecosystem_totals: EcosystemTotalsTable;
  feeds: FeedsTable;
  vex_statements: VexStatementsTable;
  scan_results: ScanResultsTable;
  severities: SeveritiesTable;
  monitor_watches: MonitorWatchesTable;
  monitor_observations: MonitorObservationsTable;
  monitor_alarms: MonitorAlarmsTable;
  monitor_package_versions: MonitorPackageVersionsTable;
}

type Timestamp = ColumnType<Date | string, Date | string, Date | string>;
/** A JSON column: written as JSON text, read back parsed (PostgreSQL) or as the text (SQLite). */
type Json<T> = ColumnType<T | string, string, string>;

export interface AdvisoriesTable {
  id: string;
  modified: Timestamp;
  published: ColumnType<Date | string | null, Date | string | null, Date | string | null>;
  /** The file, archive entry or URL the record was imported from. */
  source: string;
  imported_at: Timestamp;
  /** The OSV record as imported, validated against the OSV schema. */
  raw: Json<Record<string, unknown>>;
}

/** One row per (advisory, ecosystem, package): the index matching searches by. */
export interface AdvisoryPackagesTable {
  advisory_id: string;
  /** OSV ecosystem as written, with release: `Debian:12`, `npm`. */
  ecosystem: string;
  /** Package name as matching looks it up (PyPI names normalised per PEP 503). */
  name: string;
  /** The record's `affected` entries for this package; null for rows imported before migration 0004. */
  affected: ColumnType<unknown[] | string | null, string | null, string | null>;
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

/** Advisories per OSV ecosystem (with release) after the newest import: what `db status` lists. */
export interface EcosystemTotalsTable {
  ecosystem: string;
  advisories: number;
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
  statement: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface ScanResultsTable {
  /** Content key of the scan (manifest digest, sgci version, policy digest, build inputs). */
  key: string;
  manifest_digest: string;
  tool_version: string;
  result: Json<object>;
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
  severity: Json<SeverityEntry[]>;
  modified: Timestamp;
}

/** A tag `sgci monitor` watches, with when it was last asked and the digest it may be pinned to. */
export interface MonitorWatchesTable {
  id: Generated<number>;
  registry: string;
  repository: string;
  tag: string;
  /** `os/arch[/variant]`: the image of an index the classification and scans look at. */
  platform: string;
  every_seconds: number;
  added_at: Timestamp;
  checked_at: Timestamp | null;
  /** The ledger row of the digest the tag pointed at when last asked; null before the first round. */
  current_observation: number | null;
  pinned_digest: string | null;
  pinned_at: Timestamp | null;
  /** The base-image policy category the last scorecard suggested: the drift alarm compares against it. */
  category: string | null;
}

/** The ledger: one row per run of a tag on one digest, appended when the tag moves. */
export interface MonitorObservationsTable {
  id: Generated<number>;
  registry: string;
  repository: string;
  tag: string;
  platform: string;
  /** The digest the tag resolves to (an index or a manifest): what a pin names. */
  digest: string;
  /** The platform's image manifest (the same as `digest` for a single-platform tag). */
  platform_digest: string;
  config_digest: string;
  diff_ids: Json<string[]>;
  first_seen: Timestamp;
  last_seen: Timestamp;
  /** `head` (Docker-Content-Digest) or `get` (sha256 of the manifest: the registry sent no digest header). */
  source: string;
  /** What changed against the previous row (monitor/classify.ts); null for a tag's first row. */
  change: ColumnType<unknown | string | null, string | null, string | null>;
}

/** Alarms of the monitor: a tag moved back, a tag deleted, a pinned digest vanished. */
export interface MonitorAlarmsTable {
  id: Generated<number>;
  registry: string;
  repository: string;
  tag: string;
  platform: string;
  kind: string;
  digest: string | null;
  raised_at: Timestamp;
  detail: string;
}

/** A Debian source version and when the monitor first saw it in a suite's package index. */
export interface MonitorPackageVersionsTable {
  suite: string;
  source: string;
  version: string;
  first_seen: Timestamp;
}
