import { isMatchable } from '../../vuln/coverage/index.ts';
import type { Check } from '../check.ts';
import { missingInput } from '../missing-input.ts';
import { nist } from '../references.ts';

export const comp002: Check = {
  id: 'SGCI-COMP-002',
  section: 'COMP',
  title: { en: 'Component PURLs match vulnerability data', de: 'Komponenten-PURLs passen zu Schwachstellendaten' },
  level: 'SHOULD',
  references: [nist('4.1.1')],
  automation: ['image'],
  decides:
    'Every component is one the vulnerability matcher searches: a package of an OSV ecosystem, or of a distro release OSV publishes advisories for.',
  remediation: 'Use components from an OSV-covered ecosystem, or publish VEX with a URL for the others.',
  remediationDe:
    'Komponenten aus einem von OSV abgedeckten Ökosystem verwenden oder für die übrigen VEX mit URL veröffentlichen.',
  evaluate(ctx) {
    if (!ctx.sbom) return missingInput.sbom;
    const distro = ctx.sbom.distro;
    const uncovered = ctx.sbom.packages.filter((p) => !isMatchable(p, distro));
    const summary = {
      kind: 'note' as const,
      message: `${ctx.sbom.packages.length - uncovered.length} of ${ctx.sbom.packages.length} components have an OSV-covered PURL`,
      messageDe: `${ctx.sbom.packages.length - uncovered.length} von ${ctx.sbom.packages.length} Komponenten haben eine von OSV abgedeckte PURL`,
    };
    if (uncovered.length === 0) return { status: 'pass', evidence: [summary] };
    return {
      status: 'warn',
      evidence: [
        summary,
        ...uncovered.map((p) => ({
          kind: 'package' as const,
          purl: p.purl || '(no purl)',
          name: p.name,
          message: 'no OSV ecosystem',
          messageDe: 'kein OSV-Ökosystem',
        })),
      ],
      remediation: this.remediation,
    };
  },
};
