import type { Check } from '../check.ts';
import { bsi, nist } from '../references.ts';
import { baseIdentity } from './base-identity.ts';

export const base004: Check = {
  id: 'SGCI-BASE-004',
  section: 'BASE',
  title: { en: 'Base image kept up to date', de: 'Base-Image aktuell gehalten' },
  level: 'SHOULD',
  references: [nist('4.1.1'), bsi('SYS.1.6.A14')],
  automation: ['history'],
  decides:
    "The base tag's current digest equals the one the image was built on, or the difference is younger than the policy's grace period.",
  remediation: 'Rebuild on the current digest of the base tag (automate it with Renovate/Dependabot for Docker).',
  remediationDe:
    'Auf dem aktuellen Digest des Base-Image-Tags neu bauen (automatisiert mit Renovate/Dependabot für Docker).',
  evaluate(ctx) {
    const base = baseIdentity(ctx);
    return {
      status: 'manual',
      reason: `needs the platform's record of the base tag's digests over time (grace period ${ctx.policy.baseImageGraceDays} days); a single check run has no history`,
      reasonDe: `benötigt die Aufzeichnung der Plattform über die Digests des Basis-Image-Tags im Zeitverlauf (Karenzzeit ${ctx.policy.baseImageGraceDays} Tage); ein einzelner Prüflauf hat keine Historie`,
      evidence: base.evidence,
    };
  },
};
