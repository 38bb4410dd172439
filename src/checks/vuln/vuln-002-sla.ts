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
    // the SLA clock of each finding, as the matcher set it from the policy's windows and the scan's clock
    for (const f of active) {
      const sla = f.sla;
      if (f.fixState !== 'fixed' || !sla || sla.policy === 'next-release') continue;
      if (!sla.startedAt) {
        unknownStart++;
        continue;
      }
      // An unrated finding runs on the clock of the policy's unknownSeverity until someone assesses it.
      const treatedAs = f.vulnerability.severity === 'UNKNOWN' ? f.vulnerability.severitySource.treatedAs : undefined;
      if (sla.overdue)
        overdue.push(
          vulnEvidence(f, {
            en: `fix available since ${sla.startedAt}, due ${sla.dueAt} (${sla.policy}${treatedAs ? `, unrated: treated as ${treatedAs}` : ''})`,
            de: `Korrektur verfügbar seit ${sla.startedAt}, fällig bis ${sla.dueAt} (${sla.policy}${treatedAs ? `, ohne Bewertung: behandelt als ${treatedAs}` : ''})`,
          }),
        );
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
