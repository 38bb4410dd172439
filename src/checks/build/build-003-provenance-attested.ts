import type { Check } from '../check.ts';
import { bsi, slsa } from '../references.ts';
import { attestationGap, isSlsaProvenance, noVerifier, verifiedAttestations } from './attestation-helpers.ts';

export const build003: Check = {
  id: 'SGCI-BUILD-003',
  section: 'BUILD',
  title: { en: 'Build provenance attested', de: 'Build-Provenienz attestiert' },
  level: 'SHOULD',
  references: [slsa('Build L2: signed provenance'), bsi('SYS.1.6.A12')],
  automation: ['attestation'],
  decides: 'A signed SLSA provenance (v0.2 or v1) whose subject digest is this image; level >= 2.',
  remediation: 'Attest SLSA provenance for the image digest in the build pipeline (sgci attest --type slsaprovenance).',
  remediationDe:
    'In der Build-Pipeline SLSA-Provenienz für den Image-Digest attestieren (sgci attest --type slsaprovenance).',
  evaluate(ctx) {
    const what = { en: 'build provenance', de: 'der Herkunftsnachweis (Provenance) des Builds' };
    const gap = attestationGap(ctx, what);
    if (gap || !ctx.attestations) return gap ?? noVerifier(what);
    const found = verifiedAttestations(ctx, isSlsaProvenance);
    if (found.length === 0) {
      return {
        status: 'fail',
        evidence: [
          {
            kind: 'note',
            message: 'no verified SLSA provenance for this digest',
            messageDe: 'kein verifizierter SLSA-Herkunftsnachweis (Provenance) für diesen Digest',
          },
        ],
        remediation: this.remediation,
      };
    }
    return {
      status: 'pass',
      evidence: found.map((a) => ({ kind: 'attestation', digest: a.digest, predicateType: a.predicateType })),
    };
  },
};
