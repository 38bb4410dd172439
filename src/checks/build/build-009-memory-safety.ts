import type { Check } from '../check.ts';
import { tr } from '../references.ts';

export const build009: Check = {
  id: 'SGCI-BUILD-009',
  section: 'BUILD',
  title: { en: 'Memory-safety measures', de: 'Maßnahmen zur Speichersicherheit' },
  level: 'SHOULD',
  references: [tr('TR-03185-2.QA.05')],
  automation: ['manual'],
  decides: 'Informational: the language ecosystems found in the SBOM; a reviewer judges the measures.',
  remediation: 'Document the memory-safety measures (memory-safe languages, sanitizers, hardening flags).',
  remediationDe:
    'Die Maßnahmen zur Speichersicherheit dokumentieren (speichersichere Sprachen, Sanitizer, Härtungsoptionen).',
  evaluate(ctx) {
    const counts = new Map<string, number>();
    for (const pkg of ctx.sbom?.packages ?? []) counts.set(pkg.ecosystem, (counts.get(pkg.ecosystem) ?? 0) + 1);
    return {
      status: 'manual',
      reason: "memory-safety measures are a reviewer's call",
      reasonDe: 'die Maßnahmen zur Speichersicherheit beurteilt ein Prüfer',
      evidence: [...counts.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([ecosystem, n]) => ({
          kind: 'note' as const,
          message: `${n} ${ecosystem} packages`,
          messageDe: `${n} ${ecosystem}-Pakete`,
        })),
    };
  },
};
