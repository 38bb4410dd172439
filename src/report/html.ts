import { describeEvidence } from '../checks/index.ts';
import { type Lang, type LangText, messages, sectionLabel, sectionOrder, statusLabel, textIn } from './i18n.ts';
import type { CheckReport, ScanReport } from './model.ts';

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A text on the report's page, marked with its language where that is not the page's (WCAG 2.1, 3.1.2). */
function inPage(t: LangText, lang: Lang): string {
  return t.lang === lang ? esc(t.text) : `<span lang="${t.lang}">${esc(t.text)}</span>`;
}

// Colours meet WCAG AA contrast on white; the status is always also written out as text.
const style = `
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.45}
main{max-width:72rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:0 0 .5rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:2px solid #d0d0d0}
h3{font-size:1.05rem;margin:0}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
dl.meta dt{font-weight:600}dl.meta dd{margin:0;word-break:break-all}
.gate{padding:.75rem 1rem;border-radius:.3rem;font-weight:700;margin:1rem 0;border:2px solid}
.gate.failed{background:#fdecea;color:#8a1c12;border-color:#8a1c12}.gate.passed{background:#e7f4ea;color:#1d5e2c;border-color:#1d5e2c}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #c4c4c4;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f1f1}td.num{text-align:right}
article.check{border:1px solid #c4c4c4;border-left-width:.5rem;border-radius:.25rem;padding:.75rem 1rem;margin:.75rem 0}
article.fail{border-left-color:#b3261e}article.warn{border-left-color:#8a5a00}article.pass{border-left-color:#1d6b34}
article.manual{border-left-color:#0b5cad}article.not-applicable{border-left-color:#6b6b6b}
.badge{display:inline-block;font-weight:700;padding:0 .4rem;border-radius:.2rem;margin-right:.4rem;border:1px solid}
.badge.fail{color:#8a1c12}.badge.warn{color:#6b4600}.badge.pass{color:#1d5e2c}.badge.manual{color:#084a8c}.badge.not-applicable{color:#4a4a4a}
code,.evidence li{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem;word-break:break-all}
.evidence{margin:.3rem 0 0;padding-left:1.2rem}
p{margin:.35rem 0}
`;

function checkArticle(r: CheckReport, lang: Lang): string {
  const m = messages(lang);
  const parts: string[] = [];
  parts.push(`<article class="check ${r.result}" id="${r.id}" aria-labelledby="${r.id}-title">`);
  parts.push(
    `<h3 id="${r.id}-title"><span class="badge ${r.result}">${esc(statusLabel(r.result, lang))}</span>${esc(r.id)} ${esc(r.title[lang])}</h3>`,
  );
  parts.push(
    `<p><strong>${m.level}:</strong> ${r.level} · <strong>${m.automation}:</strong> ${esc(r.automation.join(', '))} · <strong>${m.references}:</strong> ${esc(r.references.map((x) => `${x.standard} ${x.item}`).join('; '))}</p>`,
  );
  const remediation = textIn(lang, r.remediationDe, r.remediation);
  if (remediation?.text) parts.push(`<p><strong>${m.remediation}:</strong> ${inPage(remediation, lang)}</p>`);
  const reason = textIn(lang, r.reasonDe, r.reason);
  if (reason?.text) parts.push(`<p><strong>${m.reason}:</strong> ${inPage(reason, lang)}</p>`);
  if (r.exception) {
    parts.push(
      `<p><strong>${m.exception}:</strong> ${esc(r.exception.status === 'applied' ? m.exceptionApplied : m.exceptionExpired)}: ${esc(r.exception.justification)} (${m.approver} ${esc(r.exception.approver)}, ${m.until} ${esc(r.exception.expires)})</p>`,
    );
  }
  if (r.evidence.length > 0) {
    parts.push(`<p><strong>${m.evidence}:</strong></p><ul class="evidence">`);
    for (const e of r.evidence) parts.push(`<li>${esc(describeEvidence(e, lang))}</li>`);
    parts.push('</ul>');
  }
  parts.push('</article>');
  return parts.join('\n');
}

/**
 * A self-contained HTML report: no script, no external resource, readable offline and by screen readers,
 * in German or English. Every check shows its BSI/NIST references, evidence and remediation.
 */
export function renderHtml(report: ScanReport, lang: Lang = 'de'): string {
  const m = messages(lang);
  const body: string[] = [];
  body.push(`<header><h1>sgci ${m.title}: ${esc(report.image.reference)}</h1>`);
  body.push('<dl class="meta">');
  const meta: [string, string][] = [
    [m.image, report.image.reference],
    [m.digest, report.image.digest ?? '-'],
    [m.platform, report.image.platform ?? '-'],
    [m.created, report.image.created ?? '-'],
    [m.policy, `${report.policy.name} (${report.policy.digest})`],
    [m.tool, `sgci ${report.tool.version}`],
    [m.time, report.generatedAt],
    [
      m.vulnerabilities,
      report.inputs.vulnerabilities.available
        ? String(report.inputs.vulnerabilities.findings ?? 0)
        : `${m.notAvailable}: ${(lang === 'de' ? report.inputs.vulnerabilities.noteDe : null) ?? report.inputs.vulnerabilities.note ?? ''}`,
    ],
  ];
  for (const [k, v] of meta) body.push(`<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`);
  body.push('</dl>');
  body.push(
    `<p class="gate ${report.gate.failed ? 'failed' : 'passed'}" role="status">${esc(report.gate.failed ? m.gateFailed : m.gatePassed)}</p></header>`,
  );
  body.push('<main>');
  body.push(`<section aria-labelledby="summary"><h2 id="summary">${m.summary}</h2>`);
  const statuses = ['pass', 'fail', 'warn', 'manual', 'not-applicable'] as const;
  body.push(`<table><caption>${m.summary}</caption><thead><tr><th scope="col">${m.section}</th>`);
  for (const s of statuses) body.push(`<th scope="col">${esc(statusLabel(s, lang))}</th>`);
  body.push('</tr></thead><tbody>');
  for (const section of sectionOrder) {
    const c = report.summary.bySection[section];
    if (!c) continue;
    body.push(`<tr><th scope="row"><a href="#section-${section}">${esc(sectionLabel(section, lang))}</a></th>`);
    for (const s of statuses) body.push(`<td class="num">${c[s]}</td>`);
    body.push('</tr>');
  }
  body.push(`<tr><th scope="row">${m.total}</th>`);
  for (const s of statuses) body.push(`<td class="num">${report.summary.byResult[s]}</td>`);
  body.push('</tr></tbody></table>');
  if (report.policy.disabled.length)
    body.push(`<p><strong>${m.disabled}:</strong> ${esc(report.policy.disabled.join(', '))}</p>`);
  body.push('</section>');
  for (const section of sectionOrder) {
    const results = report.results.filter((r) => r.section === section);
    if (results.length === 0) continue;
    body.push(
      `<section aria-labelledby="section-${section}"><h2 id="section-${section}">${esc(sectionLabel(section, lang))}</h2>`,
    );
    for (const r of results) body.push(checkArticle(r, lang));
    body.push('</section>');
  }
  body.push('</main>');
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>sgci ${esc(m.title)}: ${esc(report.image.reference)}</title>
<style>${style}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
