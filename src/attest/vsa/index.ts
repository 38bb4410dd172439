export {
  SgciVerdict,
  sgciVerdictField,
  VerdictCheckResult,
  VerificationSummaryPredicate,
} from './schema.ts';
export {
  type IssuedVerificationSummary,
  issueVerificationSummary,
  type SgciLevel,
  type VerdictCheck,
  type VerificationSummaryInput,
  verificationSummary,
} from './summary.ts';
export { judgeVerificationSummary } from './validity.ts';
