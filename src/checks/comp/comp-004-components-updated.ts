import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { distroEndOfLife, type EolVerdict, runtimeEndOfLife } from '../facts/eol.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';

/** Packages that carry a language runtime's version, by ecosystem and name. */
function runtimeOf(name: string): 'node' | 'python' | undefined {
  if (name === 'nodejs' || name === 'node') return 'node';
  if (/^python3\.\d+(-minimal)?$/.test(name) || name === 'python') return 'python';
  return undefined;
}

/** `end of life 2025-04-30 (passed)` or that the date is unknown, in either language. */
function endOfLife(eol: EolVerdict, lang: 'en' | 'de'): string {
  if (lang === 'de')
    return eol.known ? `Supportende ${eol.eol}${eol.expired ? ' (überschritten)' : ''}` : 'Supportende unbekannt';
  return eol.known ? `end of life ${eol.eol}${eol.expired ? ' (passed)' : ''}` : 'end-of-life date unknown';
}

export const comp004: Check = {
  id: 'SGCI-COMP-004',
  section: 'COMP',
  title: { en: 'Components regularly updated', de: 'Komponenten regelmäßig aktualisiert' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A14')],
  automation: ['image', 'history'],
  decides:
    "The image was created within the policy's maximum age; the OS release and language runtimes are not end-of-life.",
  remediation: 'Rebuild the image regularly on a supported OS release and runtime version.',
  remediationDe: 'Das Image regelmäßig auf einer unterstützten Betriebssystem- und Laufzeitversion neu bauen.',
  evaluate(ctx) {
    if (!ctx.image) return missingInput.image;
    const evidence: LocalizedEvidence[] = [];
    let failed = false;
    const created = ctx.image.config.created;
    const createdMs = created ? Date.parse(created) : Number.NaN;
    if (Number.isNaN(createdMs)) {
      evidence.push({
        kind: 'config',
        field: 'created',
        message: 'missing or not a date: the age cannot be judged',
        messageDe: 'fehlt oder ist kein Datum: das Alter kann nicht beurteilt werden',
      });
      failed = true;
    } else {
      const days = Math.floor((ctx.now.getTime() - createdMs) / 86_400_000);
      const tooOld = days > ctx.policy.maxImageAgeDays;
      if (tooOld) failed = true;
      evidence.push({
        kind: 'config',
        field: 'created',
        value: created,
        message: `${days} days old (policy maximum ${ctx.policy.maxImageAgeDays})`,
        messageDe: `${days} Tage alt (Höchstwert laut Policy ${ctx.policy.maxImageAgeDays})`,
      });
    }
    const distro = ctx.sbom?.distro;
    if (distro) {
      const eol = distroEndOfLife(distro.id, distro.versionId, ctx.now);
      if (eol.expired) failed = true;
      evidence.push({
        kind: 'note',
        message: `${distro.id} ${distro.versionId ?? ''}: ${endOfLife(eol, 'en')}`,
        messageDe: `${distro.id} ${distro.versionId ?? ''}: ${endOfLife(eol, 'de')}`,
      });
    }
    for (const pkg of ctx.sbom?.packages ?? []) {
      const runtime = runtimeOf(pkg.name);
      if (!runtime) continue;
      const eol = runtimeEndOfLife(runtime, pkg.version, ctx.now);
      if (!eol.known) continue;
      if (eol.expired) failed = true;
      evidence.push({
        kind: 'package',
        purl: pkg.purl,
        name: pkg.name,
        message: `${runtime} ${pkg.version}: ${endOfLife(eol, 'en')}`,
        messageDe: `${runtime} ${pkg.version}: ${endOfLife(eol, 'de')}`,
      });
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    return { status: 'pass', evidence };
  },
};
