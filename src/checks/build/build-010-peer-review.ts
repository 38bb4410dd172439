import type { Check } from '../check.ts';
import { tr } from '../references.ts';
import { attestationGap, noVerifier, verifiedAttestations } from './attestation-helpers.ts';

const isSourceTrack = (t: string): boolean =>
  t.startsWith('https://slsa.dev/verification_summary/') || t.includes('source');

export const build010: Check = {
  id: 'SGCI-BUILD-010',
  section: 'BUILD',
  title: { en: 'Changes peer-reviewed', de: 'Änderungen im Vier-Augen-Prinzip geprüft' },
  level: 'SHOULD',
  references: [tr('TR-03185-2.QA.06')],
  automation: ['manual'],
  decides: 'A source-track attestation for the revision; otherwise a reviewer checks the review process.',
  remediation: 'Protect the main branch with mandatory reviews and attest it (SLSA source track).',
  remediationDe: 'Den Hauptzweig mit verpflichtenden Reviews schützen und dies attestieren (SLSA Source Track).',
  evaluate(ctx) {
    const what = { en: 'a source-track attestation', de: 'eine Source-Track-Attestierung' };
    const gap = attestationGap(ctx, what);
    if (gap || !ctx.attestations) return gap ?? noVerifier(what);
    const found = verifiedAttestations(ctx, isSourceTrack);
    if (found.length === 0)
      return {
        status: 'manual',
        reason: 'no source-track attestation: a reviewer checks the review process',
        reasonDe: 'keine Source-Track-Attestierung: ein Prüfer bewertet den Review-Prozess',
      };
    return {
      status: 'pass',
      evidence: found.map((a) => ({ kind: 'attestation', digest: a.digest, predicateType: a.predicateType })),
    };
  },
};
