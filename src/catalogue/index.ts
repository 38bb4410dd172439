export { type AuditEntry, auditPage } from './accounts/audit.ts';
export { defaultLoginLimits, type LoginLimits, type PasswordLogin, passwordLogin } from './accounts/login.ts';
export {
  type OidcIdentity,
  type PendingOidcLogin,
  saveOidcLogin,
  signInOidcUser,
  takeOidcLogin,
} from './accounts/oidc.ts';
export {
  listOrganisationKeys,
  parseTrustedKey,
  removeOrganisationKey,
  replaceOrganisationKeys,
  type TrustedKeyInfo,
} from './accounts/organisation-keys.ts';
export {
  checkPasswordRules,
  currentScryptParams,
  hashPassword,
  minPasswordLength,
  type PasswordCheck,
  type ScryptParams,
  verifyPassword,
} from './accounts/password.ts';
export { actorOf, isAdmin, isContributor, isMember, isReviewer, type Principal } from './accounts/principal.ts';
export {
  deleteRegistryCredentials,
  listRegistryCredentials,
  normaliseRegistryHost,
  type RegistryCredentials,
  type RegistryCredentialsInfo,
  registryCredentialsFor,
  setRegistryCredentials,
} from './accounts/registry-credentials.ts';
export { CredentialsKey, loadCredentialsKey } from './accounts/secret-box.ts';
export { randomSecret, serverSecret, sha256Hex } from './accounts/secrets.ts';
export {
  defaultSessionLifetime,
  endSession,
  type SessionLifetime,
  type StartedSession,
  sessionPrincipal,
  startSession,
} from './accounts/sessions.ts';
export {
  type ApiTokenInfo,
  type CreatedApiToken,
  createApiToken,
  listApiTokens,
  revokeApiToken,
  tokenPrincipal,
} from './accounts/tokens.ts';
export {
  addMember,
  changeUserRole,
  createOrganisation,
  createUser,
  disableUser,
  listOrganisations,
  listUsers,
  loadPrincipal,
  type NewUser,
  normaliseLogin,
  type Organisation,
  requireOrganisation,
  requireUser,
  type UserRecord,
  type UserSummary,
} from './accounts/users.ts';
export { type CatalogueChanges, catalogueChanges } from './db/changes.ts';
export { type Actor, actorId, appendEvent, type EventInput } from './db/events.ts';
export { type Catalogue, type CatalogueDb, type CatalogueOptions, type CatalogueTx, openCatalogue } from './db/open.ts';
export type { CatalogueDatabase, GlobalRole, SubmissionInputs } from './db/schema.ts';
export { decodeImageCursor, type ImageCursor } from './images/cursor.ts';
export {
  type DigestedResult,
  type ImageDetail,
  type ImageRead,
  imageDetail,
  readImageDetail,
  seesUnpublished,
  type VersionEntry,
  visibleResult,
} from './images/detail.ts';
export {
  type Publisher,
  type VersionDocument,
  type VersionDocumentKind,
  versionDocument,
  versionDocumentFormats,
} from './images/documents.ts';
export { type CatalogueExport, catalogueExport } from './images/export.ts';
export { catalogueFeed } from './images/feed.ts';
export { type CatalogueFigures, type VulnerabilityFigures, vulnerabilityFigures } from './images/figures.ts';
export {
  type FixableFilter,
  fixableFilters,
  type ImageFilters,
  type ImageListRequest,
  type ImagePage,
  type ImageReadOptions,
  type ImageSummary,
  listImages,
} from './images/list.ts';
export { type ClaimedJob, enqueueJob, JobQueue, retryDelayMs } from './jobs/queue.ts';
export { type JobContext, type JobDefinition, LeaseLost, Worker, type WorkerOptions } from './jobs/worker.ts';
export {
  ensureMonitorRounds,
  type MonitorRounds,
  monitorRoundIntervalMs,
  monitorRoundJob,
  monitorRoundJobKind,
} from './monitor/round-job.ts';
export { type OverdueFinding, type RecordedFindings, recordFindings } from './rematch/findings.ts';
export { rematchedStatuses, rematchJob, rematchJobKind } from './rematch/rematch-job.ts';
export { defaultReevaluation, type ReevaluationSettings } from './rematch/settings.ts';
export { graceEnd, livingStatus, type StatusMove } from './rematch/status.ts';
export { advisoriesUpdateJob, advisoriesUpdateJobKind, requestAdvisoriesUpdate } from './rematch/update-job.ts';
export {
  advisoriesWatchJob,
  advisoriesWatchJobKind,
  advisoryFingerprint,
  ensureAdvisoriesWatch,
} from './rematch/watch-job.ts';
export type {
  CatalogueServices,
  ImageAccess,
  ResolvedImage,
  VersionScope,
  VersionVexSource,
} from './services.ts';
export { DecisionRequest, decide, withdraw } from './submissions/decide.ts';
export type { FourEyesBar } from './submissions/four-eyes.ts';
export {
  defaultSubmissionLimits,
  type SubmissionLimits,
  SubmissionsLimited,
} from './submissions/limits.ts';
export { recordScanResult } from './submissions/record.ts';
export { SubmissionRequest } from './submissions/request.ts';
export { type StoredScanResult, storedResultOf } from './submissions/result.ts';
export {
  type ReviewCase,
  type ReviewQueue,
  type ReviewQueueEntry,
  type ReviewStatus,
  reviewCase,
  reviewQueue,
  reviewStatuses,
} from './submissions/review.ts';
export { scanJob } from './submissions/scan-job.ts';
export { canTransition, isPublic, type SubmissionStatus, submissionStatuses } from './submissions/states.ts';
export { scanJobKind, submit } from './submissions/submit.ts';
export {
  canSee,
  listSubmissions,
  type SubmissionQuery,
  type SubmissionSummary,
  type SubmissionView,
  submissionView,
} from './submissions/view.ts';
export { toCsafVex } from './triage/csaf.ts';
export {
  DecisionDraft,
  DecisionScope,
  justifications,
  maxDecisionLifetimeMs,
  type VexDecision,
  vexStatuses,
} from './triage/decision.ts';
export {
  csafOf,
  openVexOf,
  openVexPredicateType,
  signedOpenVexOf,
  type VersionDecisions,
  versionDecisions,
  versionFiguresOf,
  visibleVersion,
} from './triage/export.ts';
export {
  type Baseline,
  type DecidedShare,
  type RiskScore,
  type VersionFigures,
  versionFigures,
} from './triage/figures.ts';
export type { DecisionImpact, FindingChange, FindingState, VersionImpact } from './triage/impact.ts';
export {
  type DecisionFilter,
  type DecisionListItem,
  decisionById,
  dryRunDecision,
  listDecisions,
  recordDecision,
  withdrawDecision,
} from './triage/record.ts';
export {
  findAcrossVersions,
  slaClocksOf,
  type TriageFinding,
  type TriageQuery,
  type TriageResults,
  type TriageVersion,
} from './triage/search.ts';
export { type AppliedDecisions, CatalogueVexSource, catalogueVexSource } from './triage/source.ts';
export type { NearMiss } from './triage/unmatched.ts';
export { issueVerdict, pushVerdictJobKind, type VerdictSigning, verdictValidityMs } from './verdicts/issue.ts';
export { pushVerdictJob } from './verdicts/push-job.ts';
export { type WebhookDelivery, webhookMaxAttempts, webhookRetryDelaysMs } from './webhooks/deliver-job.ts';
export { listDeliveries, redeliver } from './webhooks/deliveries.ts';
export { webhookDispatchIntervalMs, webhookDispatchKind } from './webhooks/dispatch-job.ts';
export { webhookEventTypes } from './webhooks/event-types.ts';
export { webhookJobs } from './webhooks/jobs.ts';
export { WebhookSender } from './webhooks/sender.ts';
export { WebhookTargets } from './webhooks/targets.ts';
export {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  maxWebhooksPerOwner,
  requireWebhook,
  WebhookRequest,
} from './webhooks/webhooks.ts';
