import type { AttestationInput, CheckContext, CheckResult } from '../check.ts';

/** The result for an attestation-decided check before the signing area's verifier has run. */
export function noVerifier(what: string): CheckResult {
  return {
    status: 'manual',
    reason: `${what} needs signature/attestation verification for the image digest (sgci verify-attestation), which did not run`,
  };
}

/**
 * The result when signatures/attestations could not be judged: the verifier did not run, or discovery failed
 * before finding anything (registry unreachable, no trusted key). Undefined when the check can decide.
 */
export function attestationGap(ctx: CheckContext, what: string): CheckResult | undefined {
  if (!ctx.attestations) return noVerifier(what);
  const a = ctx.attestations;
  if (a.error && a.signatures.length === 0 && a.attestations.length === 0) {
    return { status: 'manual', reason: `${what} could not be verified: ${a.error}` };
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
