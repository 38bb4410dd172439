import type { Check } from '../check.ts';
import { slsa } from '../references.ts';
import { attestationGap, isSlsaProvenance, noVerifier, verifiedAttestations } from './attestation-helpers.ts';

function builderId(predicate: unknown): string | undefined {
  const p = predicate as { builder?: { id?: string }; runDetails?: { builder?: { id?: string } } } | null;
  return p?.runDetails?.builder?.id ?? p?.builder?.id;
}

export const build002: Check = {
  id: 'SGCI-BUILD-002',
  section: 'BUILD',
  title: { en: 'Isolated, ephemeral build environment', de: 'Isolierte, kurzlebige Build-Umgebung' },
  level: 'SHOULD',
  references: [slsa('Build L3: hardened build platform')],
  automation: ['attestation'],
  decides: 'A verified SLSA provenance names a hosted builder (builder.id).',
  remediation: 'Build on a hosted, ephemeral build platform that issues signed SLSA provenance naming its builder.id.',
  remediationDe:
    'Auf einer gehosteten, kurzlebigen Build-Plattform bauen, die signierte SLSA-Provenienz mit builder.id ausstellt.',
  evaluate(ctx) {
    const what = { en: 'the builder identity', de: 'die Builder-Identität' };
    const gap = attestationGap(ctx, what);
    if (gap || !ctx.attestations) return gap ?? noVerifier(what);
    const withBuilder = verifiedAttestations(ctx, isSlsaProvenance).filter((a) => builderId(a.predicate));
    if (withBuilder.length === 0) {
      return {
        status: 'fail',
        evidence: [
          {
            kind: 'note',
            message: 'no verified provenance names a builder.id',
            messageDe: 'kein verifizierter Herkunftsnachweis (Provenance) nennt eine builder.id',
          },
        ],
        remediation: this.remediation,
      };
    }
    return {
      status: 'pass',
      evidence: withBuilder.map((a) => ({
        kind: 'attestation',
        digest: a.digest,
        predicateType: a.predicateType,
        message: `builder.id ${builderId(a.predicate)}`,
        messageDe: `builder.id ${builderId(a.predicate)}`,
      })),
    };
  },
};
