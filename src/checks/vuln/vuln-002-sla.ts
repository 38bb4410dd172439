import { parseDuration } from '../../policy/index.ts';
// sla.ts alone: the vuln index loads the OSV schema validator, seconds of start-up the checks do not need.
import { gateSeverity } from '../../vuln/sla.ts';
import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { bsi, nist } from '../references.ts';
import { activeFindings, vulnEvidence } from './vuln-helpers.ts';

export const vuln002: Check = {
  id: 'SGCI-VULN-002',
  section: 'VULN',
  title: { en: 'Vulnerabilities handled within SLA', de: 'Schwachstellen innerhalb der SLA behoben' },
  level: 'SHOULD',
  references: [nist('4.1.1'), bsi('SYS.1.6.A6'), bsi('SYS.1.6.A14')],
  automation: ['image', 'history'],
  decides:
    "No open vulnerability older than its SLA since a fix became available: CRITICAL 48 h, HIGH 7 days, MEDIUM 30 days, LOW next release (policy may change these). A finding no source rates (advisory, alias, NVD) runs on the clock of the policy's unknownSeverity (default HIGH).",
  remediation: 'Update the affected packages (or record a VEX statement) within the SLA of their severity.',
  remediationDe:
    'Die betroffenen Pakete innerhalb der SLA ihres Schweregrads aktualisieren (oder eine VEX-Aussage erfassen).',
  evaluate(ctx) {
    if (!ctx.vulns) return missingInput.vulnerabilities;
    if (!ctx.vulns.available)
      return { status: 'not-applicable', reason: ctx.vulns.reason, reasonDe: ctx.vulns.reasonDe };
    const { active, excepted } = activeFindings(ctx, ctx.vulns.findings);
    const overdue: LocalizedEvidence[] = [];
    let unknownStart = 0;
    for (const f of active) {
      if (f.fixState !== 'fixed') continue;
      // Unrated findings run on the clock of the policy's unknownSeverity until someone assesses them.
      const severity = gateSeverity(f.vulnerability, ctx.policy.unknownSeverity);
      if (severity !== 'CRITICAL' && severity !== 'HIGH' && severity !== 'MEDIUM' && severity !== 'LOW') continue;
      const window = parseDuration(ctx.policy.sla[severity], 'policy sla');
      if (window === undefined) continue;
      if (!f.fixAvailableAt) {
        unknownStart++;
        continue;
      }
      const due = Date.parse(f.fixAvailableAt) + window;
      if (ctx.now.getTime() > due) {
        const dueAt = new Date(due).toISOString();
        const sla = ctx.policy.sla[severity];
        const unrated = severity !== f.vulnerability.severity;
        overdue.push(
          vulnEvidence(f, {
            en: `fix available since ${f.fixAvailableAt}, due ${dueAt} (${sla}${unrated ? `, unrated: treated as ${severity}` : ''})`,
            de: `Korrektur verfügbar seit ${f.fixAvailableAt}, fällig bis ${dueAt} (${sla}${unrated ? `, ohne Bewertung: behandelt als ${severity}` : ''})`,
          }),
        );
      }
    }
    const summary: LocalizedEvidence = {
      kind: 'note',
      message: `${active.length} open findings; ${overdue.length} past their SLA; ${unknownStart} with a fix of unknown date`,
      messageDe: `${active.length} offene Befunde; ${overdue.length} mit überschrittener SLA; ${unknownStart} mit Korrektur unbekannten Datums`,
    };
    if (overdue.length > 0)
      return { status: 'fail', evidence: [summary, ...overdue, ...excepted], remediation: this.remediation };
    return { status: 'pass', evidence: [summary, ...excepted] };
  },
};
