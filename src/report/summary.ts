import { safeText } from '../core/index.ts';
import type { VulnReport } from '../vuln/index.ts';
import { type Lang, statusLabel } from './i18n.ts';
import type { ScanReport } from './model.ts';

/** What a scan's terminal summary says: the results, and what the CLI did with them. */
export interface ScanSummary {
  readonly checks: ScanReport;
  readonly vulns: VulnReport;
  /** Why vulnerabilities were not matched, in both languages; absent when they were. */
  readonly vulnsUnavailable?: { readonly en: string; readonly de: string };
  readonly packages: number;
  readonly secrets: number;
  readonly written: readonly string[];
  /** What `--attest` pushed (`ref (digest)`), when it ran. */
  readonly attested?: readonly string[];
}

const words = {
  de: {
    packages: 'Pakete',
    vulnerabilities: 'Schwachstellen',
    finding: 'Befund',
    findings: 'Befunde',
    noneActive: 'keine aktiv',
    notMatched: 'nicht abgeglichen',
    secrets: 'Geheimnisse',
    checks: 'Prüfungen',
    gate: 'Freigabe',
    failed: 'ABGELEHNT',
    passed: 'erteilt',
    written: 'geschrieben',
    attested: 'attestiert: SBOM (CycloneDX) und VEX (OpenVEX) in',
  },
  en: {
    packages: 'packages',
    vulnerabilities: 'vulnerabilities',
    finding: 'finding',
    findings: 'findings',
    noneActive: 'none active',
    notMatched: 'not matched',
    secrets: 'secrets',
    checks: 'checks',
    gate: 'gate',
    failed: 'FAILED',
    passed: 'passed',
    written: 'written',
    attested: 'attested: SBOM (CycloneDX) and VEX (OpenVEX) in',
  },
} as const;

/** The few lines `sgci scan` prints, all in one language. */
export function renderScanSummary(summary: ScanSummary, lang: Lang): string {
  const w = words[lang];
  const { checks, vulns } = summary;
  const active = Object.entries(vulns.summary.active)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${severity}`)
    .join(', ');
  const count = (n: number) => `${n} ${n === 1 ? w.finding : w.findings}`;
  const t = checks.summary.byResult;
  const lines = [
    safeText(`${checks.image.reference}${checks.image.digest ? `@${checks.image.digest}` : ''}`),
    `SBOM: ${summary.packages} ${w.packages}`,
    summary.vulnsUnavailable
      ? `${w.vulnerabilities}: ${w.notMatched} (${summary.vulnsUnavailable[lang]})`
      : `${w.vulnerabilities}: ${count(vulns.matches.length)} (${active || w.noneActive})`,
    `${w.secrets}: ${count(summary.secrets)}`,
    `${w.checks}: ${(['fail', 'warn', 'manual', 'not-applicable', 'pass'] as const).map((s) => `${t[s]} ${statusLabel(s, lang)}`).join(', ')}`,
    `${w.gate}: ${checks.gate.failed ? w.failed : w.passed}`,
    `${w.written}: ${summary.written.map(safeText).join(', ')}`,
  ];
  if (summary.attested) lines.push(`${w.attested} ${summary.attested.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
