import { parseDuration } from '../../policy/index.ts';
import type { Check } from '../check.ts';
import type { Evidence } from '../evidence.ts';
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
    'No open vulnerability older than its SLA since a fix became available: CRITICAL 48 h, HIGH 7 days, MEDIUM 30 days, LOW next release (policy may change these).',
  remediation: 'Update the affected packages (or record a VEX statement) within the SLA of their severity.',
  remediationDe:
    'Die betroffenen Pakete innerhalb der SLA ihres Schweregrads aktualisieren (oder eine VEX-Aussage erfassen).',
  evaluate(ctx) {
    if (!ctx.vulns) return { status: 'not-applicable', reason: 'vulnerability matching did not run' };
    if (!ctx.vulns.available) return { status: 'not-applicable', reason: ctx.vulns.reason };
    const { active, excepted } = activeFindings(ctx, ctx.vulns.findings);
    const overdue: Evidence[] = [];
    let unknownStart = 0;
    for (const f of active) {
      if (f.fixState !== 'fixed') continue;
      const severity = f.vulnerability.severity;
      if (severity !== 'CRITICAL' && severity !== 'HIGH' && severity !== 'MEDIUM' && severity !== 'LOW') continue;
      const window = parseDuration(ctx.policy.sla[severity], 'policy sla');
      if (window === undefined) continue;
      if (!f.fixAvailableAt) {
        unknownStart++;
        continue;
      }
      const due = Date.parse(f.fixAvailableAt) + window;
      if (ctx.now.getTime() > due)
        overdue.push(
          vulnEvidence(
            f,
            `fix available since ${f.fixAvailableAt}, due ${new Date(due).toISOString()} (${ctx.policy.sla[severity]})`,
          ),
        );
    }
    const summary: Evidence = {
      kind: 'note',
      message: `${active.length} open findings; ${overdue.length} past their SLA; ${unknownStart} with a fix of unknown date`,
    };
    if (overdue.length > 0)
      return { status: 'fail', evidence: [summary, ...overdue, ...excepted], remediation: this.remediation };
    return { status: 'pass', evidence: [summary, ...excepted] };
  },
};
