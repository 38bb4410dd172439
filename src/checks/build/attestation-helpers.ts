import type { AttestationInput, CheckContext, CheckResult } from '../check.ts';
import type { Text } from '../evidence.ts';

/** What an attestation-decided check looks for, in both report languages (German: nominative, lower case). */
export type Subject = Text;

/** The result for an attestation-decided check before the signing area's verifier has run. */
export function noVerifier(what: Subject): CheckResult {
  return {
    status: 'manual',
    reason: `${what.en} needs signature/attestation verification for the image digest (sgci verify-attestation), which did not run`,
    reasonDe: `${what.de} kann nur durch Verifikation von Signaturen/Attestierungen für den Image-Digest festgestellt werden (sgci verify-attestation); diese wurde nicht ausgeführt`,
  };
}

/**
 * The result when signatures/attestations could not be judged: the verifier did not run, or discovery failed
 * before finding anything (registry unreachable, no trusted key). Undefined when the check can decide.
 */
export function attestationGap(ctx: CheckContext, what: Subject): CheckResult | undefined {
  if (!ctx.attestations) return noVerifier(what);
  const a = ctx.attestations;
  if (a.error && a.signatures.length === 0 && a.attestations.length === 0) {
    return {
      status: 'manual',
      reason: `${what.en} could not be verified: ${a.error}`,
      reasonDe: `${what.de} konnte nicht verifiziert werden: ${a.error}`,
    };
  }
  return undefined;
}

export function verifiedAttestations(
  ctx: CheckContext,
  predicateTypes: (type: string) => boolean,
): AttestationInput['attestations'] {
  return (ctx.attestations?.attestations ?? []).filter((a) => a.verified && predicateTypes(a.predicateType));
}

export const isSlsaProvenance = (t: string): boolean =>
  t.startsWith('https://slsa.dev/provenance/') || t === 'https://in-toto.io/attestation/provenance/v1';
