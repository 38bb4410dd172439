import { attestationGap, noVerifier, verifiedAttestations } from '../build/attestation-helpers.ts';
import type { Check } from '../check.ts';
import { bsi, nist } from '../references.ts';

const isSbom = (t: string): boolean =>
  t === 'https://cyclonedx.org/bom' ||
  t.startsWith('https://spdx.dev/Document') ||
  t.startsWith('https://cyclonedx.org/bom/');

export const vuln001: Check = {
  id: 'SGCI-VULN-001',
  section: 'VULN',
  title: { en: 'SBOM attested', de: 'SBOM attestiert' },
  level: 'SHOULD',
  references: [nist('4.1.1'), bsi('SYS.1.6.A14')],
  automation: ['attestation'],
  decides:
    'A signed CycloneDX (or SPDX) attestation for this digest; its components agree with the generated SBOM (drift listed).',
  remediation: 'Attest the SBOM for the image digest (sgci attest --type cyclonedx).',
  remediationDe: 'Die SBOM für den Image-Digest attestieren (sgci attest --type cyclonedx).',
  evaluate(ctx) {
    const what = { en: 'an SBOM attestation', de: 'eine SBOM-Attestierung' };
    const gap = attestationGap(ctx, what);
    if (gap || !ctx.attestations) return gap ?? noVerifier(what);
    const found = verifiedAttestations(ctx, isSbom);
    if (found.length === 0)
      return {
        status: 'fail',
        evidence: [
          { kind: 'note', message: 'no verified SBOM attestation', messageDe: 'keine verifizierte SBOM-Attestierung' },
        ],
        remediation: this.remediation,
      };
    const evidence = found.map((a) => ({
      kind: 'attestation' as const,
      digest: a.digest,
      predicateType: a.predicateType,
    }));
    if (ctx.sbom) {
      const attested = new Set<string>();
      for (const a of found) {
        const components = (a.predicate as { components?: { purl?: string }[] } | null)?.components ?? [];
        for (const c of components) if (c.purl) attested.add(c.purl);
      }
      const generated = new Set(ctx.sbom.packages.map((p) => p.purl));
      const missing = [...generated].filter((p) => !attested.has(p)).sort();
      const extra = [...attested].filter((p) => !generated.has(p)).sort();
      if (attested.size > 0 && (missing.length || extra.length)) {
        return {
          status: 'warn',
          evidence: [
            ...evidence,
            ...missing.map((purl) => ({
              kind: 'package' as const,
              purl,
              message: 'in the image, not in the attested SBOM',
              messageDe: 'im Image, nicht in der attestierten SBOM',
            })),
            ...extra.map((purl) => ({
              kind: 'package' as const,
              purl,
              message: 'in the attested SBOM, not in the image',
              messageDe: 'in der attestierten SBOM, nicht im Image',
            })),
          ],
          remediation: 'Regenerate and re-attest the SBOM from the image as shipped.',
          remediationDe: 'Die SBOM aus dem ausgelieferten Image neu erzeugen und neu attestieren.',
        };
      }
    }
    return { status: 'pass', evidence };
  },
};
