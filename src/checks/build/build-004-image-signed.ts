import type { Check } from '../check.ts';
import { bsi, nist } from '../references.ts';
import { attestationGap, noVerifier } from './attestation-helpers.ts';

export const build004: Check = {
  id: 'SGCI-BUILD-004',
  section: 'BUILD',
  title: { en: 'Image is signed', de: 'Image ist signiert' },
  level: 'SHOULD',
  references: [nist('4.1.5'), bsi('SYS.1.6.A12')],
  automation: ['attestation'],
  decides: 'A signature over this digest verifies with a trusted key.',
  remediation: 'Sign the image digest (sgci sign) with a key the platform trusts.',
  remediationDe: 'Den Image-Digest mit einem Schlüssel signieren, dem die Plattform vertraut (sgci sign).',
  evaluate(ctx) {
    const what = { en: 'the image signature', de: 'die Signatur des Images' };
    const gap = attestationGap(ctx, what);
    if (gap || !ctx.attestations) return gap ?? noVerifier(what);
    const verified = ctx.attestations.signatures.filter((s) => s.verified);
    if (verified.length === 0) {
      return {
        status: 'fail',
        evidence: [
          {
            kind: 'note',
            message: ctx.attestations.error ?? 'no signature over this digest verified with a trusted key',
            messageDe:
              ctx.attestations.error ??
              'keine Signatur über diesen Digest mit einem vertrauenswürdigen Schlüssel verifiziert',
          },
        ],
        remediation: this.remediation,
      };
    }
    return {
      status: 'pass',
      evidence: verified.map((s) => {
        const signature = { kind: 'attestation' as const, digest: s.digest, predicateType: 'cosign signature' };
        return s.keyId ? { ...signature, message: `key ${s.keyId}`, messageDe: `Schlüssel ${s.keyId}` } : signature;
      }),
    };
  },
};
