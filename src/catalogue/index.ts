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
export { actorOf, isAdmin, isMember, isReviewer, type Principal } from './accounts/principal.ts';
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
  createOrganisation,
  createUser,
  disableUser,
  listOrganisations,
  loadPrincipal,
  type NewUser,
  normaliseLogin,
  type Organisation,
  requireOrganisation,
  requireUser,
  type UserRecord,
} from './accounts/users.ts';
export { type Actor, actorId, appendEvent, type EventInput } from './db/events.ts';
export { type Catalogue, type CatalogueDb, type CatalogueOptions, type CatalogueTx, openCatalogue } from './db/open.ts';
export type { CatalogueDatabase, GlobalRole, SubmissionInputs } from './db/schema.ts';
export { type ClaimedJob, enqueueJob, JobQueue, retryDelayMs } from './jobs/queue.ts';
export { type JobContext, type JobDefinition, LeaseLost, Worker, type WorkerOptions } from './jobs/worker.ts';
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
export { recordScanResult } from './submissions/record.ts';
export { SubmissionRequest } from './submissions/request.ts';
export type { StoredScanResult } from './submissions/result.ts';
export { scanJob } from './submissions/scan-job.ts';
export { isPublic, type SubmissionStatus, submissionStatuses } from './submissions/states.ts';
export { scanJobKind, submit } from './submissions/submit.ts';
export { canSee, type SubmissionView, submissionView } from './submissions/view.ts';
export { issueVerdict, pushVerdictJobKind, type VerdictSigning, verdictValidityMs } from './verdicts/issue.ts';
export { pushVerdictJob } from './verdicts/push-job.ts';
