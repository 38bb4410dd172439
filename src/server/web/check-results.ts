/**
 * A version's check results as the pages show them: one expandable entry per check with its status, level,
 * references, remediation, reason and evidence, and the checks grouped by section under a summary of the counts.
 * The image page shows every check of a version; a contributor's submission page shows the ones that need work.
 */
import { describeEvidence } from '../../checks/index.ts';
import { type ScanReport, sectionLabel, statusLabel } from '../../report/index.ts';
import { badge, type Tone } from './components.ts';
import type { PageContext } from './context.ts';
import { type Html, html } from './html.ts';
import type { Bilingual } from './i18n.ts';

/** Evidence lines shown per check: the rest is in the check report to download. */
const evidenceShown = 20;

export type CheckEntry = ScanReport['results'][number];

const text = {
  de: {
    checksSummary: 'Ergebnisse nach Status',
    level: 'Stufe',
    references: 'Referenzen',
    evidence: (n: number) => `Nachweise (${n})`,
    moreEvidence: (n: number) => `${n} weitere Nachweise im Prüfbericht (Downloads).`,
    remediation: 'Abhilfe',
    reason: 'Begründung',
  },
  en: {
    checksSummary: 'Results by status',
    level: 'Level',
    references: 'References',
    evidence: (n: number) => `Evidence (${n})`,
    moreEvidence: (n: number) => `${n} more pieces of evidence in the check report (downloads).`,
    remediation: 'Remediation',
    reason: 'Reason',
  },
} satisfies Bilingual<unknown>;

const statusTone: Readonly<Record<CheckEntry['result'], Tone>> = {
  pass: 'success',
  fail: 'danger',
  warn: 'warning',
  manual: 'info',
  'not-applicable': 'info',
};

/**
 * One check: what needs attention (failed, warning) is open; a passed or not applicable check shows its details
 * on request. The check's id is the element's id, so a link can point at it.
 */
export function checkResult(ctx: PageContext, r: CheckEntry): Html {
  const { lang } = ctx;
  const s = text[lang];
  const remediation = lang === 'de' ? (r.remediationDe ?? r.remediation) : r.remediation;
  const reason = lang === 'de' ? (r.reasonDe ?? r.reason) : r.reason;
  const evidence = r.evidence.slice(0, evidenceShown);
  const open = r.result === 'fail' || r.result === 'warn';
  return html`<details class="check" id="${r.id}"${open ? html` open` : ''}>
<summary><span class="check__title">${r.id} ${r.title[lang]}</span> ${badge(statusTone[r.result], statusLabel(r.result, lang))}</summary>
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

/** How many checks ended in each status, as badges (the statuses that occur, most urgent first). */
export function checkCounts(ctx: PageContext, summary: ScanReport['summary']): Html {
  const counts = (['fail', 'warn', 'manual', 'not-applicable', 'pass'] as const)
    .filter((status) => summary.byResult[status] > 0)
    .map((status) => badge(statusTone[status], `${summary.byResult[status]} ${statusLabel(status, ctx.lang)}`));
  return html`<div class="badges" role="group" aria-label="${text[ctx.lang].checksSummary}">${counts}</div>`;
}

/**
 * `results` grouped by section, each section under an h3 named `bereich-<section>` (the page's h2 comes before).
 */
export function checksBySection(ctx: PageContext, results: readonly CheckEntry[]): Html {
  const sections = [...new Set(results.map((r) => r.section))];
  return html`${sections.map(
    (
      section,
    ) => html`<section aria-labelledby="bereich-${section}"><h3 class="kern-heading-small" id="bereich-${section}">${sectionLabel(section, ctx.lang)}</h3>
${results.filter((r) => r.section === section).map((r) => checkResult(ctx, r))}
</section>`,
  )}`;
}
