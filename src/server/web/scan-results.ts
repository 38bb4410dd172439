/**
 * A version's scan as the pages show it: the check results by section with evidence, remediation and BSI/NIST
 * references, and the findings with severity, fix, VEX status and SLA clock. The image page shows them to
 * everyone, the review page to the reviewer deciding; both render them here.
 */
import { describeEvidence } from '../../checks/index.ts';
import { type ScanReport, sectionLabel, statusLabel } from '../../report/index.ts';
import type { Finding, VulnReport } from '../../vuln/index.ts';
import { badge, dataTable, localizedText, type Tone, vulnerabilityCell } from './components.ts';
import type { PageContext } from './context.ts';
import { type Html, html, type Interpolation } from './html.ts';
import { formatDate } from './i18n.ts';
import { severityBadge, severityCounts, slaText, vexLabel } from './pages/vulnerability-text.ts';

/** Evidence lines shown per check and findings per version: the rest is in the reports to download. */
const evidenceShown = 20;
const findingsShown = 100;

const text = {
  de: {
    checksSummary: 'Ergebnisse nach Status',
    level: 'Stufe',
    references: 'Referenzen',
    evidence: (n: number) => `Nachweise (${n})`,
    moreEvidence: (n: number) => `${n} weitere Nachweise im Prüfbericht (Downloads).`,
    remediation: 'Abhilfe',
    reason: 'Begründung',
    vulnsSummary: (open: string, suppressed: number, overdue: number, at: string) =>
      `Offen: ${open || 'keine'}. Durch VEX als nicht ausnutzbar bewertet: ${suppressed}. SLA-Frist überschritten: ${overdue}. Stand der Bewertung: ${at}.`,
    notMatched: 'Für diese Version wurden noch keine Schwachstellen abgeglichen (keine Schwachstellendaten).',
    noFindings: 'Keine bekannten Schwachstellen.',
    findingsCaption: 'Befunde, schwerste zuerst',
    vulnerability: 'Schwachstelle',
    package: 'Paket',
    severity: 'Schweregrad',
    fixedIn: 'Behoben in',
    vex: 'VEX-Status',
    sla: 'SLA-Frist',
    noFix: 'noch kein Fix',
    noVex: 'keine Aussage',
    suppressed: 'unterdrückt',
    osOwned: 'vom Betriebssystem verantwortet',
    moreFindings: (n: number) => `${n} weitere Befunde im Schwachstellenbericht (Downloads).`,
  },
  en: {
    checksSummary: 'Results by status',
    level: 'Level',
    references: 'References',
    evidence: (n: number) => `Evidence (${n})`,
    moreEvidence: (n: number) => `${n} more pieces of evidence in the check report (downloads).`,
    remediation: 'Remediation',
    reason: 'Reason',
    vulnsSummary: (open: string, suppressed: number, overdue: number, at: string) =>
      `Open: ${open || 'none'}. Assessed as not exploitable by VEX: ${suppressed}. SLA deadline missed: ${overdue}. Assessed at: ${at}.`,
    notMatched: 'No vulnerabilities have been matched for this version yet (no vulnerability data).',
    noFindings: 'No known vulnerabilities.',
    findingsCaption: 'Findings, most severe first',
    vulnerability: 'Vulnerability',
    package: 'Package',
    severity: 'Severity',
    fixedIn: 'Fixed in',
    vex: 'VEX status',
    sla: 'SLA deadline',
    noFix: 'no fix yet',
    noVex: 'no statement',
    suppressed: 'suppressed',
    osOwned: 'owned by the operating system',
    moreFindings: (n: number) => `${n} more findings in the vulnerability report (downloads).`,
  },
};

type ScanText = (typeof text)['de'];
type CheckResult = ScanReport['results'][number];

const checkStatusTone: Readonly<Record<CheckResult['result'], Tone>> = {
  pass: 'success',
  fail: 'danger',
  warn: 'warning',
  manual: 'info',
  'not-applicable': 'info',
};

/** Which results are open on arrival: what needs attention (failures and warnings, unless the page says more). */
const needsAttention = (r: CheckResult) => r.result === 'fail' || r.result === 'warn';

function checkResult(ctx: PageContext, s: ScanText, r: CheckResult, open: boolean): Html {
  const lang = ctx.lang;
  // a reason or remediation without a German version is shown in English, marked
  const remediation = localizedText(lang, r.remediationDe, r.remediation);
  const reason = localizedText(lang, r.reasonDe, r.reason);
  const evidence = r.evidence.slice(0, evidenceShown);
  return html`<details class="check" id="${r.id}"${open ? html` open` : ''}>
<summary><span class="check__title">${r.id} ${r.title[lang]}</span> ${badge(checkStatusTone[r.result], statusLabel(r.result, lang))}</summary>
<div class="check__body">
<p class="meta">${s.level}: ${r.level} · ${s.references}: ${r.references.map((ref) => `${ref.standard} ${ref.item}`).join('; ')}</p>
${remediation ? html`<p><strong>${s.remediation}:</strong> ${remediation}</p>` : ''}
${reason ? html`<p><strong>${s.reason}:</strong> ${reason}</p>` : ''}
${
  r.evidence.length > 0
    ? html`<p><strong>${s.evidence(r.evidence.length)}:</strong></p>
<ul class="kern-list kern-list--bullet">${evidence.map((e) => html`<li><code>${describeEvidence(e, lang)}</code></li>`)}</ul>
${r.evidence.length > evidenceShown ? html`<p>${s.moreEvidence(r.evidence.length - evidenceShown)}</p>` : ''}`
    : ''
}
</div>
</details>`;
}

/**
 * The check results under an `<h2 id="pruefung">`: counts by status, `intro` (what the page says about them), then
 * each section (`<h3>`) with its checks as disclosures; `open` chooses which start open (default: failures and
 * warnings).
 */
export function checkResultsSection(
  ctx: PageContext,
  report: ScanReport,
  heading: string,
  open: (r: CheckResult) => boolean = needsAttention,
  intro: Interpolation = '',
): Html {
  const s = text[ctx.lang];
  const sections = [...new Set(report.results.map((r) => r.section))];
  const counts = (['fail', 'warn', 'manual', 'not-applicable', 'pass'] as const)
    .filter((status) => report.summary.byResult[status] > 0)
    .map((status) =>
      badge(checkStatusTone[status], `${report.summary.byResult[status]} ${statusLabel(status, ctx.lang)}`),
    );
  return html`<h2 class="kern-heading-medium" id="pruefung">${heading}</h2>
<div class="badges" role="group" aria-label="${s.checksSummary}">${counts}</div>
${intro}
${sections.map(
  (
    section,
  ) => html`<section aria-labelledby="bereich-${section}"><h3 class="kern-heading-small" id="bereich-${section}">${sectionLabel(section, ctx.lang)}</h3>
${report.results.filter((r) => r.section === section).map((r) => checkResult(ctx, s, r, open(r)))}
</section>`,
)}`;
}

function findingRow(ctx: PageContext, s: ScanText, f: Finding): Interpolation[] {
  const lang = ctx.lang;
  const vex = f.vex
    ? html`${vexLabel(lang, f.vex.status)}${f.vex.justification ? html`<br><span class="meta">${f.vex.justification}</span>` : ''}${f.suppressed ? html`<br>${badge('info', s.suppressed)}` : ''}`
    : s.noVex;
  return [
    vulnerabilityCell(lang, f.vulnerability),
    html`${f.package.name} ${f.package.version}${f.judgement === 'os-owned-upstream' ? html`<br><span class="meta">${s.osOwned}</span>` : ''}`,
    severityBadge(lang, f.vulnerability.severity),
    f.fixedVersions.length ? f.fixedVersions.join(', ') : s.noFix,
    vex,
    slaText(lang, f.sla, ctx.now),
  ];
}

/**
 * What the findings section reads of a vulnerability report: a whole report, or `findingsShownOf` it (the findings
 * the table shows and how many there are in all).
 */
export type FindingsReport = Pick<VulnReport, 'summary' | 'evaluatedAt' | 'matches'> & { readonly total?: number };

/** The part of a report the findings section shows: its summary and first findings, and how many there are. */
export function findingsShownOf(report: VulnReport): FindingsReport {
  return {
    summary: report.summary,
    evaluatedAt: report.evaluatedAt,
    matches: report.matches.slice(0, findingsShown),
    total: report.matches.length,
  };
}

/**
 * The findings under an `<h2 id="schwachstellen">`: the counts, then the first findings as a table (VEX status and
 * SLA clock against the page's clock); `matched` false says that no vulnerability data was there to match.
 */
export function vulnerabilitiesSection(
  ctx: PageContext,
  report: FindingsReport,
  matched: boolean,
  heading: string,
): Html {
  const s = text[ctx.lang];
  const title = html`<h2 class="kern-heading-medium" id="schwachstellen">${heading}</h2>`;
  if (!matched) return html`${title}<p>${s.notMatched}</p>`;
  const summary = s.vulnsSummary(
    severityCounts(ctx.lang, report.summary.active),
    report.summary.suppressed,
    report.summary.overdue,
    formatDate(ctx.lang, report.evaluatedAt, true),
  );
  const total = report.total ?? report.matches.length;
  if (total === 0) return html`${title}<p>${summary}</p><p>${s.noFindings}</p>`;
  const shown = report.matches.slice(0, findingsShown);
  return html`${title}<p>${summary}</p>
${dataTable(
  'befunde',
  s.findingsCaption,
  [s.vulnerability, s.package, s.severity, s.fixedIn, s.vex, s.sla],
  shown.map((f) => findingRow(ctx, s, f)),
)}
${total > shown.length ? html`<p>${s.moreFindings(total - shown.length)}</p>` : ''}`;
}
