import { predicateTypes } from '../media-types/index.ts';
import type { AttestationCheck } from '../verify/verify-image.ts';
import { firstIssue, SgciVerdict, sgciVerdictField, VerificationSummaryPredicate } from './schema.ts';

/**
 * A verified attestation that is a SLSA verification summary, judged as its consumer must: it verifies only when
 * it is a VSA v1, says PASSED (SLSA "How to verify", step 6) and, when it carries sgci's verdict fields, `now`
 * lies within validFrom..validUntil. Its signature and subject were checked before. Any other check is returned
 * unchanged. `image` names the image in the reason, which is one line.
 */
export function judgeVerificationSummary(check: AttestationCheck, image: string, now: Date): AttestationCheck {
  if (!check.verified || check.statement?.predicateType !== predicateTypes.vsa) return check;
  const reason = summaryProblem(check.statement.predicate, image, now);
  if (reason === undefined) return check;
  const { statement: _, ...rest } = check;
  return { ...rest, verified: false, reason };
}

function summaryProblem(predicate: unknown, image: string, now: Date): string | undefined {
  const summary = VerificationSummaryPredicate.safeParse(predicate);
  if (!summary.success) return `verification summary for ${image} is not a SLSA VSA v1: ${firstIssue(summary.error)}`;
  if (summary.data.verificationResult !== 'PASSED') {
    return `verification summary for ${image} says ${summary.data.verificationResult}`;
  }
  // Another verifier's VSA states no validity period; it holds as signed.
  const extension = summary.data[sgciVerdictField];
  if (extension === undefined) return undefined;
  const verdict = SgciVerdict.safeParse(extension);
  if (!verdict.success) {
    return `verification summary for ${image} has invalid ${sgciVerdictField} fields: ${firstIssue(verdict.error)}`;
  }
  const { validFrom, validUntil } = verdict.data;
  if (now.getTime() < Date.parse(validFrom)) {
    return `verification summary for ${image} is not valid before ${validFrom} (now ${now.toISOString()})`;
  }
  if (now.getTime() >= Date.parse(validUntil)) {
    return `verification summary for ${image} expired: validUntil ${validUntil} has passed (now ${now.toISOString()})`;
  }
  return undefined;
}
