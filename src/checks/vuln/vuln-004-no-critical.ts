import type { Check } from '../check.ts';
import { missingInput } from '../missing-input.ts';
import { nist } from '../references.ts';
import { activeFindings, vulnEvidence } from './vuln-helpers.ts';

export const vuln004: Check = {
  id: 'SGCI-VULN-004',
  section: 'VULN',
  title: { en: 'No unpatched CRITICAL vulnerabilities', de: 'Keine ungepatchten CRITICAL-Schwachstellen' },
  level: 'MUST',
  references: [nist('4.1.1')],
  automation: ['image'],
  decides:
    "No CRITICAL finding with a fix available that is not covered by a VEX not_affected/fixed statement or a policy exception; a finding no source rates counts as the policy's unknownSeverity.",
  remediation: 'Update the packages with CRITICAL findings to a fixed version and rebuild.',
  remediationDe: 'Die Pakete mit CRITICAL-Befunden auf eine behobene Version aktualisieren und neu bauen.',
  evaluate(ctx) {
    if (!ctx.vulns) return missingInput.vulnerabilities;
    if (!ctx.vulns.available)
      return { status: 'not-applicable', reason: ctx.vulns.reason, reasonDe: ctx.vulns.reasonDe };
    const { active, excepted } = activeFindings(ctx, ctx.vulns.findings);
    // An unrated finding counts as what the matcher treated it as (the policy's unknownSeverity).
    const severity = (f: (typeof active)[number]) =>
      f.vulnerability.severity === 'UNKNOWN' ? f.vulnerability.severitySource.treatedAs : f.vulnerability.severity;
    const critical = active.filter((f) => severity(f) === 'CRITICAL' && f.fixState === 'fixed');
    const summary = {
      kind: 'note' as const,
      message: `${critical.length} CRITICAL findings with a fix available (advisory database: ${ctx.vulns.advisories} advisories)`,
      messageDe: `${critical.length} CRITICAL-Befunde mit verfügbarer Korrektur (Advisory-Datenbank: ${ctx.vulns.advisories} Advisories)`,
    };
    if (critical.length > 0) {
      return {
        status: 'fail',
        evidence: [
          summary,
          ...critical.map((f) =>
            vulnEvidence(f, {
              en: `fixed in ${f.fixedVersions.join(', ')}`,
              de: `behoben in ${f.fixedVersions.join(', ')}`,
            }),
          ),
          ...excepted,
        ],
        remediation: this.remediation,
      };
    }
    return { status: 'pass', evidence: [summary, ...excepted] };
  },
};
