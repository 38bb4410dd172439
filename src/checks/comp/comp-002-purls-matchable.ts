import type { Package } from '../../catalog/package.ts';
import type { Check } from '../check.ts';
import { missingInput } from '../missing-input.ts';
import { nist } from '../references.ts';

/** purl types and deb/apk/rpm namespaces for which OSV publishes advisories. */
const osvPurlTypes = new Set([
  'npm',
  'pypi',
  'maven',
  'golang',
  'cargo',
  'nuget',
  'composer',
  'gem',
  'hex',
  'pub',
  'swift',
]);
const osvDistros = new Set([
  'debian',
  'ubuntu',
  'alpine',
  'redhat',
  'rocky',
  'almalinux',
  'suse',
  'opensuse',
  'mariner',
  'azurelinux',
  'wolfi',
  'chainguard',
]);

export function osvCovered(pkg: Package): boolean {
  const match = /^pkg:([a-z0-9.+-]+)\/(?:([^/]+)\/)?/.exec(pkg.purl);
  if (!match) return false;
  const type = match[1] ?? '';
  if (osvPurlTypes.has(type)) return true;
  if (type === 'deb' || type === 'apk' || type === 'rpm') return osvDistros.has((match[2] ?? '').toLowerCase());
  return false;
}

export const comp002: Check = {
  id: 'SGCI-COMP-002',
  section: 'COMP',
  title: { en: 'Component PURLs match vulnerability data', de: 'Komponenten-PURLs passen zu Schwachstellendaten' },
  level: 'SHOULD',
  references: [nist('4.1.1')],
  automation: ['image'],
  decides: 'Every component has a PURL of an ecosystem the vulnerability database covers (OSV ecosystems).',
  remediation: 'Use components from an OSV-covered ecosystem, or publish VEX with a URL for the others.',
  remediationDe:
    'Komponenten aus einem von OSV abgedeckten Ökosystem verwenden oder für die übrigen VEX mit URL veröffentlichen.',
  evaluate(ctx) {
    if (!ctx.sbom) return missingInput.sbom;
    const uncovered = ctx.sbom.packages.filter((p) => !osvCovered(p));
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
