import { attestationGap, noVerifier, verifiedAttestations } from '../build/attestation-helpers.ts';
import type { Check } from '../check.ts';
import { bsi, nist } from '../references.ts';

const isVex = (t: string): boolean =>
  t.startsWith('https://openvex.dev/ns') ||
  t === 'https://cyclonedx.org/vex' ||
  t.startsWith('https://cyclonedx.org/vex/');

export const vuln003: Check = {
  id: 'SGCI-VULN-003',
  section: 'VULN',
  title: { en: 'VEX attested', de: 'VEX attestiert' },
  level: 'SHOULD',
  references: [nist('4.1.1'), bsi('SYS.1.6.A14')],
  automation: ['attestation'],
  decides: 'A signed OpenVEX or CycloneDX VEX attestation for this digest.',
  remediation: 'Attest the VEX decisions for the image digest (sgci attest --type openvex).',
  remediationDe: 'Die VEX-Entscheidungen für den Image-Digest attestieren (sgci attest --type openvex).',
  evaluate(ctx) {
    const what = { en: 'a VEX attestation', de: 'eine VEX-Attestierung' };
    const gap = attestationGap(ctx, what);
    if (gap || !ctx.attestations) return gap ?? noVerifier(what);
    const found = verifiedAttestations(ctx, isVex);
    if (found.length === 0)
      return {
        status: 'fail',
        evidence: [
          { kind: 'note', message: 'no verified VEX attestation', messageDe: 'keine verifizierte VEX-Attestierung' },
        ],
        remediation: this.remediation,
      };
    return {
      status: 'pass',
      evidence: found.map((a) => ({ kind: 'attestation', digest: a.digest, predicateType: a.predicateType })),
    };
  },
};
