export { type Alarm, type AlarmKind, raiseAlarmOnce } from './alarms.ts';
export { type Change, type ChangeKind, changeKind, changeKinds, classifyChange, isContentChange } from './classify.ts';
export {
  debianSuites,
  defaultDebianKeys,
  type IndexObservation,
  type IndexOptions,
  observeDebianIndex,
} from './debian-index.ts';
export { type DigestContent, describeDigest } from './describe.ts';
export { diffSboms, diffVulns, type SbomDiff, type VulnChange, type VulnDiff } from './diff.ts';
export { historyPredicateType, historyStatement, signHistory, verifyHistory } from './export.ts';
export {
  changeOf,
  type HistoryEntry,
  type HistoryFormat,
  historyEntries,
  historyFormats,
  renderHistory,
} from './history.ts';
export { type MonitorNotification, type NotificationLang, roundNotification } from './notification.ts';
export { type NotifyOutcome, type NotifyTargets, notifyRound } from './notify.ts';
export { firstObservations, type PinDecision, type PinDeps, pinTag, type RunningClock, runningClocks } from './pin.ts';
export { type RateLimitSignal, rateLimitOf } from './rate-limit.ts';
export { type GateOptions, RegistryGate, type RegistryPause } from './registry-gate.ts';
export { type ReportFormat, type ReportLang, renderTagReport, reportFormats, type TagReport } from './report.ts';
export { repositoryHistory, type WatchedTagHistory } from './repository-history.ts';
export {
  type RoundAlarm,
  type RoundChange,
  type RoundDeps,
  type RoundOptions,
  type RoundResult,
  runRound,
} from './round.ts';
export { type DigestScan, type DigestScanner, type PipelineScannerParts, pipelineScanner } from './scan.ts';
export type { HistoryPredicate } from './schema.ts';
export { type Scorecard, type ScorecardDeps, scorecard, suggestCategory } from './scorecard.ts';
export { type MailMessage, type SmtpSettings, sendMail } from './smtp.ts';
export { type TagReportDeps, tagReport } from './tag-report.ts';
export {
  debianSourceOf,
  type OpenClock,
  openClocks,
  type PatchedFinding,
  type PatchFigures,
  patchKey,
  percentile,
  type SeverityFigures,
  timeToPatch,
} from './time-to-patch.ts';
export { formatWatch, parseSpan, pinnedReference, watchKeyOf } from './watch-key.ts';
export { postWebhook } from './webhook.ts';
