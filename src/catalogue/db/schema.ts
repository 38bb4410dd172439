import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { VexStatement } from '../../vuln/index.ts';
import type { CatalogueFigures, VulnerabilityFigures } from '../images/figures.ts';
import type { MatchingInput } from '../rematch/matching-input.ts';

/**
 * The catalogue's tables, beside the advisory store's in the same PostgreSQL database (PGlite embedded, or a
 * server via DATABASE_URL). Only PostgreSQL engines serve the catalogue, so timestamps read back as Date and
 * jsonb parsed.
 */
export interface CatalogueDatabase {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  images: ImagesTable;
  maintainers: MaintainersTable;
  submissions: SubmissionsTable;
  decisions: DecisionsTable;
  verdicts: VerdictsTable;
  events: EventsTable;
  jobs: JobsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  server_secrets: ServerSecretsTable;
  oidc_logins: OidcLoginsTable;
  registry_credentials: RegistryCredentialsTable;
  organisation_keys: OrganisationKeysTable;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: written as JSON text, read back parsed. */
type Json<T extends object | null> = JSONColumnType<T, string, string>;

export interface OrganisationsTable {
  slug: string;
  name: string;
  contact: string | null;
  push_verdicts: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
}

export type GlobalRole = 'reviewer' | 'admin';

export interface UsersTable {
  id: string;
  login: string;
  display_name: string;
  email: string | null;
  role: GlobalRole | null;
  /** scrypt, in the self-describing format of accounts/password.ts; null for OIDC-only users. */
  password_hash: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  disabled_at: NullableTimestamp;
  created_at: Timestamp;
  last_seen_at: NullableTimestamp;
}

export interface MembershipsTable {
  user_id: string;
  organisation: string;
  created_at: Timestamp;
}

export interface ImagesTable {
  name: string;
  organisation: string;
  /** registry/repository, without tag or digest: where new versions come from. */
  repository: string;
  description_de: string;
  description_en: string;
  categories: Json<string[]>;
  license: string;
  source: string;
  contact: string;
  end_of_life: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  search: ColumnType<string, never, never>;
}

export interface MaintainersTable {
  image: string;
  user_id: string;
  organisation: string;
  since: Timestamp;
}

export interface SubmissionsTable {
  id: string;
  image: string;
  /** The reference as submitted (tag or digest). */
  reference: string;
  /** The manifest digest the tag resolved to at submission: the version's identity. */
  digest: string;
  tag: string | null;
  status: string;
  organisation: string;
  submitted_by: string;
  inputs: Json<SubmissionInputs>;
  policy_digest: string | null;
  /** The scan_results key of the stored pass (SBOM, filesystem checks): re-matched, never re-pulled. */
  scan_key: string | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  /** Digest of the canonical JSON of `result.checks`, written with the result (submissions/record.ts). */
  checks_digest: ColumnType<string | null, string | null | undefined, string | null>;
  status_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  admitted_at: NullableTimestamp;
}

/** What the contributor handed in beside the reference: build and deployment inputs, their own VEX. */
export interface SubmissionInputs {
  readonly dockerfile?: string;
  readonly manifests?: readonly SubmittedFileText[];
  readonly vex?: readonly SubmittedFileText[];
}

export interface SubmittedFileText {
  readonly name: string;
  readonly content: string;
}

export type DecisionKind = 'admit' | 'reject' | 'request-changes';

export interface ManualCheckDecision {
  readonly id: string;
  readonly result: 'pass' | 'fail';
  readonly note: string;
}

export interface DecisionsTable {
  id: Generated<string>;
  submission: string;
  reviewer: string;
  decision: DecisionKind;
  reason: string;
  manual_checks: Json<ManualCheckDecision[]>;
  at: Timestamp;
}

export interface VerdictsTable {
  id: Generated<string>;
  submission: string;
  digest: string;
  result: 'PASSED' | 'FAILED';
  policy_digest: string;
  /** The DSSE envelope as signed: the bytes served and pushed. */
  envelope: string;
  valid_from: Timestamp;
  valid_until: Timestamp;
  created_at: Timestamp;
  pushed_at: NullableTimestamp;
  push_error: string | null;
}

export interface EventsTable {
  id: Generated<string>;
  at: Timestamp;
  /** A user id, `token:<prefix>` or `system`. */
  actor: string;
  subject_kind: string;
  subject_id: string;
  kind: string;
  before: ColumnType<unknown, string | null | undefined, never>;
  after: ColumnType<unknown, string | null | undefined, never>;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: Generated<string>;
  kind: string;
  payload: ColumnType<unknown, string, string>;
  state: JobState;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  run_after: Timestamp;
  locked_by: string | null;
  locked_until: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
  id_hash: string;
  user_id: string;
  method: 'password' | 'oidc';
  created_at: Timestamp;
  last_seen_at: Timestamp;
  /** The absolute end, however active the session is. */
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  /** `sgci_<8 characters>`: shown in lists and the audit log, no secret. */
  prefix: string;
  /** SHA-256 (hex) of the whole token. */
  token_hash: string;
  user_id: string;
  label: string;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

export interface LoginFailuresTable {
  id: Generated<string>;
  key: string;
  at: Timestamp;
}

export interface ServerSecretsTable {
  name: string;
  /** base64 */
  value: string;
  created_at: Timestamp;
}

export interface OidcLoginsTable {
  state_hash: string;
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  expires_at: Timestamp;
}

export interface RegistryCredentialsTable {
  organisation: string;
  registry: string;
  username: string;
  sealed_password: string;
  updated_at: Timestamp;
  updated_by: string;
}

export interface OrganisationKeysTable {
  organisation: string;
  id: string;
  label: string;
  algorithm: string;
  pem: string;
  added_at: Timestamp;
  added_by: string;
}

/** The catalogue API's read side (images/): merged into the database's tables. */
export interface CatalogueDatabase {
  version_figures: VersionFiguresTable;
  latest_versions: LatestVersionsTable;
}

/** Per version, what the catalogue API lists and filters by: written with every result (images/figures.ts). */
export interface VersionFiguresTable {
  submission: string;
  image: string;
  distro: string | null;
  distro_version: string | null;
  ecosystems: Json<string[]>;
  /** Position in severityOrder (0 = CRITICAL) of the highest open fixable finding; null: none. */
  fixable_rank: number | null;
  overdue: number;
  baseline: 'passed' | 'failed';
  figures: Json<CatalogueFigures>;
  /** The version's published VEX statements. */
  vex: Json<VexStatement[]>;
  result_digest: string;
}

/** Per image, its newest public version: kept by a trigger on submissions. */
export interface LatestVersionsTable {
  image: string;
  submission: string;
}

/** VEX triage (triage/): merged into the database's tables. */
export interface CatalogueDatabase {
  vex_decisions: VexDecisionsTable;
}

export type VexDecisionScopeKind = 'purl' | 'image' | 'organisation';

export interface VexDecisionsTable {
  id: Generated<string>;
  /** The id the decision names (CVE, GHSA, DSA …): it meets a finding by the finding's id or any alias. */
  vulnerability: string;
  scope_kind: VexDecisionScopeKind;
  /** The package URL of a `purl` scope; for an image or organisation scope, the one package it narrows to. */
  scope_purl: string | null;
  scope_image: string | null;
  /** The organisation that owns the scope; null for a catalogue-wide package URL. */
  organisation: string | null;
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  justification: string | null;
  impact_statement: string | null;
  action_statement: string | null;
  author: string;
  author_name: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  withdrawn_at: NullableTimestamp;
  withdrawn_by: string | null;
  withdrawal_reason: string | null;
}

/** Webhooks (webhooks/): merged into the database's tables. */
export interface CatalogueDatabase {
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_cursor: WebhookCursorTable;
}

export interface WebhooksTable {
  id: string;
  url: string;
  /** Webhook event types (webhooks/event-types.ts). */
  events: Json<string[]>;
  /** null: every organisation's events (registered by an admin). */
  organisation: string | null;
  sealed_secret: string;
  created_by: string;
  created_at: Timestamp;
}

export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  webhook: string;
  event_id: ColumnType<string, string | number, never>;
  type: string;
  body: string;
  state: WebhookDeliveryState;
  attempts: ColumnType<number, number | undefined, number>;
  next_try_at: NullableTimestamp;
  pending_job: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookAttemptsTable {
  delivery: string;
  attempt: number;
  at: Timestamp;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
  next_try_at: NullableTimestamp;
}

export interface WebhookCursorTable {
  name: string;
  /** xid8, read as its decimal text. */
  xid: string;
  event_id: ColumnType<string, string | number, string | number>;
}

/** Living verdicts (rematch/): merged into the database's tables. */
export interface CatalogueDatabase {
  findings: FindingsTable;
  reevaluations: ReevaluationsTable;
  advisory_watch: AdvisoryWatchTable;
}

export type FindingState = 'open' | 'suppressed' | 'fixed';

/** One vulnerability on one component of one version, with its SLA clock; never deleted (gone: `fixed`). */
export interface FindingsTable {
  submission: string;
  /** The report's finding id, `<vulnerability>|<purl>`. */
  id: string;
  vulnerability: string;
  aliases: Json<string[]>;
  purl: string;
  package: string;
  installed: string;
  fixed_versions: Json<string[]>;
  severity: string;
  severity_source: Json<{ kind: string; id?: string; treatedAs?: string }>;
  /** `os-owned-upstream`: shown, not counted (the distro's advisories judge it). */
  judgement: 'open' | 'os-owned-upstream';
  state: FindingState;
  /** The VEX statement that applied, if any (suppressing or not). */
  vex: ColumnType<unknown, string | null, string | null>;
  first_seen: Timestamp;
  last_seen: Timestamp;
  /** When the SLA clock started (rematch/findings.ts says from what). */
  fix_available_since: NullableTimestamp;
  sla_due: NullableTimestamp;
  /** When its sla-breach event was written. */
  breached_at: NullableTimestamp;
  fixed_at: NullableTimestamp;
  /** Digest of what the last evaluation stated (all of the above but the times of sight, breach and fix). */
  content: string;
}

/** When a version must be evaluated again though no data changed (a deadline, a grace end, a verdict renewal). */
export interface ReevaluationsTable {
  submission: string;
  due_at: NullableTimestamp;
  evaluated_at: NullableTimestamp;
}

/** The state of the advisory store the watch job last handled. */
export interface AdvisoryWatchTable {
  name: string;
  fingerprint: string;
  handled_at: Timestamp;
}

/**
 * What the image list filters, ranks and shows of an image and its newest public version, kept with the pointer by
 * triggers (migration 0008): merged into `latest_versions`. The figure columns are null while the version has none.
 */
export interface LatestVersionsTable {
  /** The image's, copied: the list filters and ranks on this table alone. */
  organisation: string;
  categories: Json<string[]>;
  /** The image's search vector (`images.search`). */
  search: ColumnType<string, never, never>;
  digest: string;
  status: string;
  admitted_at: NullableTimestamp;
  tags: Json<string[]>;
  distro: string | null;
  distro_version: string | null;
  ecosystems: Json<string[] | null>;
  fixable_rank: number | null;
  overdue: number | null;
  baseline: 'passed' | 'failed' | null;
  vulnerabilities: Json<VulnerabilityFigures | null>;
}

/** Re-matching (rematch/matching-input.ts): merged into the database's tables. */
export interface CatalogueDatabase {
  matching_inputs: MatchingInputsTable;
}

/** Per scanned version, what matching reads of its SBOM (migration 0009). */
export interface MatchingInputsTable {
  submission: string;
  input: Json<MatchingInput>;
}
