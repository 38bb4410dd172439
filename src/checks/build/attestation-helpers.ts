import type { AttestationInput, CheckContext, CheckResult } from '../check.ts';

/** The result for an attestation-decided check before the signing area's verifier has run. */
export function noVerifier(what: string): CheckResult {
  return {
    status: 'manual',
    reason: `${what} needs signature/attestation verification for the image digest (sgci verify-attestation), which did not run`,
  };
}

export function verifiedAttestations(
  ctx: CheckContext,
  predicateTypes: (type: string) => boolean,
): AttestationInput['attestations'] {
  return (ctx.attestations?.attestations ?? []).filter((a) => a.verified && predicateTypes(a.predicateType));
}

export const isSlsaProvenance = (t: string): boolean =>
  t.startsWith('https://slsa.dev/provenance/') || t === 'https://in-toto.io/attestation/provenance/v1';
