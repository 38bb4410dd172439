import { describeEvidence } from '../checks/index.ts';
import { markdownCode, markdownText } from '../core/index.ts';
import { type Lang, messages, reasonText, remediationText, sectionLabel, sectionOrder, statusLabel } from './i18n.ts';
import type { ScanReport } from './model.ts';

const icon: Record<ScanReport['results'][number]['result'], string> = {
  pass: '✅',
  fail: '❌',
  warn: '⚠️',
  manual: '👀',
  'not-applicable': '➖',
};

/** Markdown for merge-request comments: summary table, then failures and warnings with evidence, then the rest. */
export function renderMarkdown(report: ScanReport, lang: Lang = 'en'): string {
  const m = messages(lang);
  const lines: string[] = [];
  lines.push(`## sgci ${m.title}: ${markdownCode(report.image.reference)}`, '');
  lines.push(`**${report.gate.failed ? `❌ ${m.gateFailed}` : `✅ ${m.gatePassed}`}**`, '');
  lines.push(
    `${m.digest}: ${markdownCode(report.image.digest ?? '-')} · ${m.platform}: ${markdownCode(report.image.platform ?? '-')} · ${m.policy}: ${markdownCode(report.policy.name)} · ${m.tool}: sgci ${report.tool.version} · ${m.time}: ${report.generatedAt}`,
    '',
  );
  lines.push(
    `| ${m.section} | ${(['pass', 'fail', 'warn', 'manual', 'not-applicable'] as const).map((s) => statusLabel(s, lang)).join(' | ')} |`,
  );
  lines.push(`|---|---:|---:|---:|---:|---:|`);
  for (const section of sectionOrder) {
    const c = report.summary.bySection[section];
    if (!c) continue;
    lines.push(
      `| ${sectionLabel(section, lang)} | ${c.pass} | ${c.fail} | ${c.warn} | ${c.manual} | ${c['not-applicable']} |`,
    );
  }
  const t = report.summary.byResult;
  lines.push(`| **${m.total}** | ${t.pass} | ${t.fail} | ${t.warn} | ${t.manual} | ${t['not-applicable']} |`, '');
  for (const r of report.results.filter((x) => x.result === 'fail' || x.result === 'warn')) {
    lines.push(`### ${icon[r.result]} ${r.id} ${markdownText(r.title[lang])} (${statusLabel(r.result, lang)})`, '');
    const remediation = remediationText(r, lang);
    if (remediation) lines.push(`**${m.remediation}:** ${markdownText(remediation)}`, '');
    if (r.exception)
      lines.push(
        `**${m.exception}:** ${r.exception.status === 'applied' ? m.exceptionApplied : m.exceptionExpired} (${markdownText(r.exception.justification)}, ${m.approver} ${markdownText(r.exception.approver)}, ${m.until} ${markdownText(r.exception.expires)})`,
        '',
      );
    const shown = r.evidence.slice(0, 25);
    for (const e of shown) lines.push(`- ${markdownCode(describeEvidence(e, lang))}`);
    if (r.evidence.length > shown.length) lines.push(`- … ${r.evidence.length - shown.length} ${m.more}`);
    lines.push('');
  }
  lines.push(`<details><summary>${m.check}: ${report.results.length}</summary>`, '');
  lines.push(`| ${m.check} | ${m.result} | ${m.reason} |`, '|---|---|---|');
  for (const r of report.results)
    lines.push(
      `| ${r.id} ${markdownText(r.title[lang])} | ${icon[r.result]} ${statusLabel(r.result, lang)} | ${markdownText(reasonText(r, lang) ?? remediationText(r, lang) ?? '')} |`,
    );
  lines.push('', '</details>', '');
  return lines.join('\n');
}
