import { describeEvidence } from '../checks/index.ts';
import { safeText } from '../core/index.ts';
import { type Lang, messages, reasonText, remediationText, sectionLabel, sectionOrder, statusLabel } from './i18n.ts';
import type { ScanReport } from './model.ts';

const colours: Record<ScanReport['results'][number]['result'], string> = {
  pass: '\u001b[32m',
  fail: '\u001b[31m',
  warn: '\u001b[33m',
  manual: '\u001b[36m',
  'not-applicable': '\u001b[90m',
};
const reset = '\u001b[0m';
const bold = '\u001b[1m';

/**
 * Terminal output grouped by section: one line per check, evidence of failures and warnings indented below.
 * Colour only when asked (the CLI asks on a TTY without NO_COLOR).
 */
export function renderTable(
  report: ScanReport,
  options: { lang?: Lang; color?: boolean; maxEvidence?: number } = {},
): string {
  const lang = options.lang ?? 'en';
  const m = messages(lang);
  const paint = (status: keyof typeof colours, text: string) =>
    options.color ? `${colours[status]}${text}${reset}` : text;
  const strong = (text: string) => (options.color ? `${bold}${text}${reset}` : text);
  const maxEvidence = options.maxEvidence ?? 10;
  const out: string[] = [];
  out.push(
    `${strong(`${m.image}:`)} ${safeText(report.image.reference)}${report.image.digest ? `@${safeText(report.image.digest)}` : ''}`,
  );
  out.push(`${m.policy}: ${safeText(report.policy.name)}`);
  const width = Math.max(...report.results.map((r) => statusLabel(r.result, lang).length), 4);
  for (const section of sectionOrder) {
    const results = report.results.filter((r) => r.section === section);
    if (results.length === 0) continue;
    out.push('', strong(`${section}  ${sectionLabel(section, lang)}`));
    for (const r of results) {
      const label = statusLabel(r.result, lang).padEnd(width);
      const waived = r.exception?.status === 'applied' ? ` (${m.waived})` : '';
      out.push(`  ${paint(r.result, label)}  ${r.id.padEnd(14)} ${r.title[lang]}${waived}`);
      if (r.result === 'fail' || r.result === 'warn') {
        for (const e of r.evidence.slice(0, maxEvidence)) out.push(`      ${safeText(describeEvidence(e, lang))}`);
        if (r.evidence.length > maxEvidence) out.push(`      … ${r.evidence.length - maxEvidence} ${m.moreInJson}`);
        const remediation = remediationText(r, lang);
        if (remediation) out.push(`      → ${safeText(remediation)}`);
      } else if (r.reason && r.result === 'manual') {
        out.push(`      ${safeText(reasonText(r, lang) ?? '')}`);
      }
    }
  }
  const t = report.summary.byResult;
  out.push(
    '',
    `${m.summary}: ${(['fail', 'warn', 'manual', 'not-applicable', 'pass'] as const).map((s) => `${t[s]} ${statusLabel(s, lang)}`).join(', ')}`,
  );
  out.push(strong(report.gate.failed ? paint('fail', m.gateFailed) : paint('pass', m.gatePassed)));
  return `${out.join('\n')}\n`;
}
