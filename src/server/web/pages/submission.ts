/**
 * One submission as `GET /api/v1/submissions/{id}` shows it to the same user: its state and what it means, the
 * timeline of its events, what failed and how to fix it (the checks that failed or warn, with evidence and
 * remediation from the stored scan result), the vulnerabilities' counts, the reviewer's decision and reason, and
 * the form to withdraw it where the state machine allows. Another organisation's unpublished submission is not
 * found, as in the API.
 */
import type { Context } from 'hono';
import {
  canTransition,
  type SubmissionStatus,
  type SubmissionView,
  submissionStatuses,
  submissionView,
  visibleVersion,
  withdraw,
} from '../../../catalogue/index.ts';
import { isSgciError, SgciError } from '../../../core/index.ts';
import { statusLabel } from '../../../report/index.ts';
import { HttpProblem } from '../../problem.ts';
import type { AppEnv } from '../../router.ts';
import {
  alert,
  button,
  buttonLink,
  csrfInput,
  errorSummary,
  type FieldError,
  facts,
  statusBadge,
  textArea,
} from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html, type Interpolation } from '../html.ts';
import { type Bilingual, formatDate } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { checkResultsSection, vulnerabilitiesSection } from '../scan-results.ts';
import { submissionName } from './submissions.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const maxReason = 2000;

const text = {
  de: {
    title: (name: string) => `Einreichung ${name}`,
    received: 'Ihre Einreichung ist eingegangen.',
    receivedBody: 'Der Katalog prüft das Image jetzt. Diese Seite zeigt, wie weit die Prüfung ist.',
    withdrawnNotice: 'Die Einreichung ist zurückgezogen.',
    meaning: {
      submitted: 'Eingegangen; die Prüfung beginnt in Kürze.',
      scanning: 'Das Image wird gerade gelesen und geprüft.',
      'checks-failed':
        'Pflichtprüfungen sind nicht bestanden. Beheben Sie die unten genannten Punkte und reichen Sie eine neue Version ein.',
      'awaiting-review':
        'Die automatischen Prüfungen sind bestanden. Eine prüfende Person einer anderen Organisation entscheidet über die Aufnahme.',
      admitted: 'Zugelassen: Die Version steht mit signiertem Prüfurteil im Katalog.',
      rejected: 'Abgelehnt. Die Begründung steht unter „Entscheidung“.',
      'changes-requested':
        'Die Prüfung bittet um Änderungen (siehe „Entscheidung“). Reichen Sie danach eine neue Version ein.',
      withdrawn: 'Zurückgezogen.',
      'at-risk': 'Zugelassen, aber gefährdet: Eine Frist für eine Schwachstelle läuft ab oder ist überschritten.',
      suspended: 'Ausgesetzt: nicht mehr empfohlen, bis eine behobene Version zugelassen ist.',
    } satisfies Record<SubmissionStatus, string>,
    reason: 'Begründung',
    image: 'Image',
    organisation: 'Organisation',
    reference: 'Eingereicht als',
    tag: 'Tag',
    digest: 'Digest',
    submitted: 'Eingereicht',
    updated: 'Zuletzt geändert',
    admitted: 'Zugelassen',
    untagged: 'ohne Tag',
    nextVersion: 'Nächste Version einreichen',
    toList: 'Alle Einreichungen',
    timeline: 'Verlauf',
    timelineCaption: 'Was mit der Einreichung geschah, älteste Schritte zuerst',
    by: {
      system: 'automatisch',
      you: 'Sie',
      token: (prefix: string) => `API-Token ${prefix}…`,
      reviewer: 'Prüfung',
      other: 'eine andere Person',
    },
    step: {
      status: (from: string | undefined, to: string) => (from ? `${from} → ${to}` : to),
      verdict: (until: string) => `Prüfurteil signiert, gültig bis ${until}`,
      findings: (added: number, fixed: number) =>
        [
          added ? `${added} ${added === 1 ? 'neue Schwachstelle' : 'neue Schwachstellen'}` : '',
          fixed ? `${fixed} behoben` : '',
        ]
          .filter(Boolean)
          .join(', '),
      breach: (id: string) => `SLA-Frist überschritten: ${id}`,
      skipped: 'Neubewertung nicht möglich',
    },
    checks: 'Was zu tun ist',
    checksPending: 'Die Prüfergebnisse liegen vor, sobald die Prüfung abgeschlossen ist.',
    checksOk: 'Keine Prüfung ist fehlgeschlagen oder hat gewarnt.',
    checksIntro:
      'Diese Prüfungen sind fehlgeschlagen oder haben gewarnt. Jede nennt ihre Nachweise und wie Sie den Befund beheben.',
    gateFailed: 'Mindestens eine Pflichtprüfung ist fehlgeschlagen: So wird die Version nicht zugelassen.',
    fullReport: 'Vollständiger Prüfbericht (HTML)',
    vulnerabilities: 'Schwachstellen',
    decision: 'Entscheidung',
    decidedAt: (decision: string, at: string) => `${decision} am ${at}`,
    manualChecks: 'Manuelle Prüfungen',
    withdraw: 'Einreichung zurückziehen',
    withdrawIntro:
      'Ziehen Sie die Einreichung zurück, wenn die Version nicht mehr in den Katalog soll. Eine zugelassene Version verschwindet damit aus dem Katalog. Das lässt sich nicht rückgängig machen.',
    withdrawReason: 'Grund',
    withdrawHint: 'Steht im Verlauf der Einreichung; höchstens 2000 Zeichen.',
    withdrawMissing: 'Bitte nennen Sie einen Grund für das Zurückziehen.',
    withdrawLong: `Der Grund darf höchstens ${maxReason} Zeichen lang sein.`,
    withdrawConflict: 'Die Einreichung lässt sich in ihrem jetzigen Stand nicht zurückziehen.',
  },
  en: {
    title: (name: string) => `Submission ${name}`,
    received: 'Your submission has arrived.',
    receivedBody: 'The catalogue is checking the image now. This page shows how far the checks are.',
    withdrawnNotice: 'The submission is withdrawn.',
    meaning: {
      submitted: 'Received; the checks start shortly.',
      scanning: 'The image is being read and checked.',
      'checks-failed': 'Required checks failed. Fix the points below and submit a new version.',
      'awaiting-review': 'The automatic checks passed. A reviewer of another organisation decides on the admission.',
      admitted: 'Admitted: the version is in the catalogue with a signed verdict.',
      rejected: 'Rejected. The reason is under “Decision”.',
      'changes-requested': 'The review asks for changes (see “Decision”). Then submit a new version.',
      withdrawn: 'Withdrawn.',
      'at-risk': 'Admitted, but at risk: a deadline for a vulnerability is running out or missed.',
      suspended: 'Suspended: no longer recommended until a fixed version is admitted.',
    },
    reason: 'Reason',
    image: 'Image',
    organisation: 'Organisation',
    reference: 'Submitted as',
    tag: 'Tag',
    digest: 'Digest',
    submitted: 'Submitted',
    updated: 'Last changed',
    admitted: 'Admitted',
    untagged: 'untagged',
    nextVersion: 'Submit the next version',
    toList: 'All submissions',
    timeline: 'Timeline',
    timelineCaption: 'What happened to the submission, oldest steps first',
    by: {
      system: 'automatic',
      you: 'you',
      token: (prefix: string) => `API token ${prefix}…`,
      reviewer: 'review',
      other: 'another person',
    },
    step: {
      status: (from: string | undefined, to: string) => (from ? `${from} → ${to}` : to),
      verdict: (until: string) => `Verdict signed, valid until ${until}`,
      findings: (added: number, fixed: number) =>
        [
          added ? `${added} new ${added === 1 ? 'vulnerability' : 'vulnerabilities'}` : '',
          fixed ? `${fixed} fixed` : '',
        ]
          .filter(Boolean)
          .join(', '),
      breach: (id: string) => `SLA deadline missed: ${id}`,
      skipped: 'Re-evaluation not possible',
    },
    checks: 'What to do',
    checksPending: 'The check results are here once the checks have finished.',
    checksOk: 'No check failed or warned.',
    checksIntro: 'These checks failed or warned. Each names its evidence and how to fix the finding.',
    gateFailed: 'At least one required check failed: the version is not admitted like this.',
    fullReport: 'Full check report (HTML)',
    vulnerabilities: 'Vulnerabilities',
    decision: 'Decision',
    decidedAt: (decision: string, at: string) => `${decision} on ${at}`,
    manualChecks: 'Manual checks',
    withdraw: 'Withdraw the submission',
    withdrawIntro:
      'Withdraw the submission when the version should no longer enter the catalogue. An admitted version leaves the catalogue with it. This cannot be undone.',
    withdrawReason: 'Reason',
    withdrawHint: "Shown in the submission's timeline; at most 2000 characters.",
    withdrawMissing: 'Please give a reason for withdrawing.',
    withdrawLong: `The reason may be at most ${maxReason} characters long.`,
    withdrawConflict: 'The submission cannot be withdrawn in its present state.',
  },
};

type SubmissionText = (typeof text)['de'];

/** A reviewer's decision in words; one this page does not know reads as it is stored. */
const decisionWords: Bilingual<Readonly<Record<string, string>>> = {
  de: { admit: 'zugelassen', reject: 'abgelehnt', 'request-changes': 'Änderungen angefordert' },
  en: { admit: 'admitted', reject: 'rejected', 'request-changes': 'changes requested' },
};

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function statusWord(ctx: PageContext, value: unknown): string | undefined {
  const known = submissionStatuses.find((status) => status === value);
  return known ? ctx.t.status[known] : str(value);
}

function actorText(ctx: PageContext, s: SubmissionText, event: SubmissionView['events'][number]): string {
  if (event.actor === 'system') return s.by.system;
  if (event.actor === ctx.principal?.userId) return s.by.you;
  if (event.actor.startsWith('token:')) return s.by.token(event.actor.slice('token:'.length));
  return record(event.after).decision ? s.by.reviewer : s.by.other;
}

/** A step of the timeline: an event in words, or the findings a re-evaluation recorded at one moment. */
interface Step {
  readonly at: string;
  readonly what: string | { added: number; fixed: number };
  readonly reason?: string | undefined;
  readonly by: string;
}

/** The events as steps; a re-evaluation's findings (one event each) become one step per moment. */
function steps(ctx: PageContext, s: SubmissionText, view: SubmissionView): Step[] {
  const out: Step[] = [];
  const findings = new Map<string, { added: number; fixed: number }>();
  for (const e of view.events) {
    const after = record(e.after);
    const by = actorText(ctx, s, e);
    if (e.kind === 'finding-new' || e.kind === 'finding-fixed') {
      let counts = findings.get(e.at);
      if (!counts) {
        counts = { added: 0, fixed: 0 };
        findings.set(e.at, counts);
        out.push({ at: e.at, what: counts, by });
      }
      if (e.kind === 'finding-new') counts.added++;
      else counts.fixed++;
      continue;
    }
    const what =
      e.kind === 'status'
        ? s.step.status(statusWord(ctx, record(e.before).status), statusWord(ctx, after.status) ?? '')
        : e.kind === 'verdict'
          ? s.step.verdict(formatDate(ctx.lang, str(after.validUntil) ?? e.at, true))
          : e.kind === 'sla-breach'
            ? s.step.breach(str(after.vulnerability) ?? '')
            : e.kind === 'rematch-skipped'
              ? s.step.skipped
              : e.kind;
    out.push({ at: e.at, what, reason: str(after.reason), by });
  }
  return out;
}

function timeline(ctx: PageContext, s: SubmissionText, view: SubmissionView): Html {
  return html`<section class="section" aria-labelledby="verlauf"><h2 class="kern-heading-medium" id="verlauf">${s.timeline}</h2>
<ol class="kern-list" aria-label="${s.timelineCaption}">${steps(ctx, s, view).map(
    (
      step,
    ) => html`<li><p><strong>${typeof step.what === 'string' ? step.what : s.step.findings(step.what.added, step.what.fixed)}</strong></p>
<p class="meta"><time datetime="${step.at}">${formatDate(ctx.lang, step.at, true)}</time> · ${step.by}</p>
${step.reason ? html`<p>${s.reason}: ${step.reason}</p>` : ''}</li>`,
  )}</ol></section>`;
}

/**
 * What to do: the checks that failed or warn (from the stored result, as the image page renders them) under the
 * counts of all, and the version's findings; until the scan has finished, that it has not.
 */
async function scanSections(c: Context<AppEnv>, ctx: PageContext, s: SubmissionText, view: SubmissionView) {
  const { result } = await visibleVersion(c.var.deps.catalogue.db, ctx.principal, view.id);
  if (!result)
    return html`<section class="section" aria-labelledby="pruefung"><h2 class="kern-heading-medium" id="pruefung">${s.checks}</h2><p>${s.checksPending}</p></section>`;
  const report = result.checks;
  const attention = report.results.filter((r) => r.result === 'fail' || r.result === 'warn');
  const documents = `/api/v1/images/${view.image}/versions/${view.digest}/checks?format=html&lang=${ctx.lang}`;
  const intro = html`${report.gate.failed ? html`<p><strong>${s.gateFailed}</strong></p>` : ''}
<p>${attention.length === 0 ? s.checksOk : s.checksIntro} <a href="${documents}">${s.fullReport}</a></p>`;
  return html`<section class="section" aria-labelledby="pruefung">${checkResultsSection(ctx, { ...report, results: attention }, s.checks, () => true, intro)}</section>
<section class="section" aria-labelledby="schwachstellen">${vulnerabilitiesSection(ctx, result.vulns, result.matched, s.vulnerabilities)}</section>`;
}

function decisions(ctx: PageContext, s: SubmissionText, view: SubmissionView): Html {
  if (view.decisions.length === 0) return html``;
  return html`<section class="section" aria-labelledby="entscheidung"><h2 class="kern-heading-medium" id="entscheidung">${s.decision}</h2>
${view.decisions.map(
  (
    d,
  ) => html`<div class="decision"><p><strong>${s.decidedAt(decisionWords[ctx.lang][d.decision] ?? d.decision, formatDate(ctx.lang, d.at, true))}</strong></p>
<p>${s.reason}: ${d.reason}</p>
${
  d.manualChecks.length
    ? html`<p>${s.manualChecks}:</p><ul class="kern-list kern-list--bullet">${d.manualChecks.map((m) => html`<li>${m.id}: ${statusLabel(m.result, ctx.lang)} – ${m.note}</li>`)}</ul>`
    : ''
}</div>`,
)}</section>`;
}

/** Whether the page offers to withdraw: the state machine allows it and the user may (the API's rule). */
function mayWithdraw(ctx: PageContext, view: SubmissionView): boolean {
  const p = ctx.principal;
  return (
    canTransition(view.status, 'withdrawn') &&
    (p?.organisations.includes(view.organisation) === true || p?.role === 'admin')
  );
}

function withdrawForm(ctx: PageContext, s: SubmissionText, view: SubmissionView, form: WithdrawForm): Html {
  if (!mayWithdraw(ctx, view)) return html``;
  return html`<section class="section" aria-labelledby="zurueckziehen"><h2 class="kern-heading-medium" id="zurueckziehen">${s.withdraw}</h2>
<p class="prose">${s.withdrawIntro}</p>
<form class="form-stack" method="post" action="${ctx.href('submission', { id: view.id })}" novalidate>
${csrfInput(ctx)}
${textArea(ctx, { name: 'reason', label: s.withdrawReason, hint: s.withdrawHint, value: form.reason, errors: form.errors, required: true, maxLength: maxReason })}
<div>${button(s.withdraw, { variant: 'secondary' })}</div>
</form></section>`;
}

interface WithdrawForm {
  readonly reason: string;
  readonly errors: readonly FieldError[];
  readonly notice?: Html;
}

async function submissionContent(
  c: Context<AppEnv>,
  ctx: PageContext,
  view: SubmissionView,
  form: WithdrawForm,
  status?: 409 | 422,
): Promise<PageContent> {
  const s = text[ctx.lang];
  const name = submissionName(view);
  const received = c.req.query('eingereicht') === '1';
  const withdrawn = c.req.query('zurueckgezogen') === '1' && view.status === 'withdrawn';
  const member = ctx.principal?.organisations.includes(view.organisation) === true;
  const items: (readonly [string, Interpolation])[] = [
    [s.image, html`<a href="${ctx.href('image', { name: view.image })}">${view.image}</a>`],
    [s.organisation, view.organisation],
    [s.reference, html`<code>${view.reference}</code>`],
    [s.tag, view.tag ?? s.untagged],
    [s.digest, html`<code>${view.digest}</code>`],
    [s.submitted, formatDate(ctx.lang, view.createdAt, true)],
    [s.updated, formatDate(ctx.lang, view.updatedAt, true)],
    ...(view.admittedAt ? [[s.admitted, formatDate(ctx.lang, view.admittedAt, true)] as const] : []),
  ];
  return {
    title: s.title(name),
    ...(status ? { status } : {}),
    ...(form.errors.length ? { errors: form.errors.length } : {}),
    trail: [
      { label: ctx.t.pageTitles.start, href: ctx.href('start') },
      { label: ctx.t.pageTitles.submissions, href: ctx.href('submissions') },
    ],
    main: html`<h1 class="kern-heading-large">${s.title(name)}</h1>
${errorSummary(ctx, form.errors)}
${form.notice ?? ''}
${received ? alert('success', s.received, html`<p>${s.receivedBody}</p>`, { role: 'status' }) : ''}
${withdrawn ? alert('success', s.withdrawnNotice, '', { role: 'status' }) : ''}
<div class="badges">${statusBadge(ctx, view.status)}</div>
<p class="lead">${s.meaning[view.status]}</p>
${view.statusReason ? html`<p>${s.reason}: ${view.statusReason}</p>` : ''}
${facts(items)}
<p class="actions">${member ? buttonLink(`${ctx.href('submit')}?image=${encodeURIComponent(view.image)}`, s.nextVersion) : ''}
<a href="${ctx.href('submissions')}">${s.toList}</a></p>
${timeline(ctx, s, view)}
${await scanSections(c, ctx, s, view)}
${decisions(ctx, s, view)}
${withdrawForm(ctx, s, view, form)}`,
  };
}

/** The submission the path names, as the signed-in user may see it; an id of no submission is not found. */
async function readSubmission(c: Context<AppEnv>, ctx: PageContext): Promise<SubmissionView> {
  if (!ctx.principal) throw new HttpProblem(401, 'unauthorized', 'sign in to see a submission');
  const id = c.req.param('id') ?? '';
  if (!uuid.test(id)) throw new SgciError('NOT_FOUND', id.slice(0, 64), 'no such submission');
  return submissionView(c.var.deps.catalogue.db, ctx.principal, id);
}

export async function submissionPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const view = await readSubmission(c, ctx);
  return submissionContent(c, ctx, view, { reason: '', errors: [] });
}

export async function withdrawAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const view = await readSubmission(c, ctx);
  const principal = ctx.principal;
  if (!principal) throw new HttpProblem(401, 'unauthorized', 'sign in to withdraw a submission');
  const s = text[ctx.lang];
  const body = await c.req.parseBody();
  const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
  const invalid = reason === '' ? s.withdrawMissing : reason.length > maxReason ? s.withdrawLong : undefined;
  if (invalid) return submissionContent(c, ctx, view, { reason, errors: [{ field: 'reason', message: invalid }] }, 422);
  try {
    await withdraw(c.var.deps, principal, view.id, reason);
  } catch (error) {
    if (!isSgciError(error, 'CONFLICT')) throw error;
    const fresh = await submissionView(c.var.deps.catalogue.db, principal, view.id);
    const notice = alert('danger', s.withdrawConflict, '', { role: 'alert', headingLevel: 3 });
    return submissionContent(c, ctx, fresh, { reason, errors: [], notice }, 409);
  }
  return c.redirect(`${ctx.href('submission', { id: view.id })}?zurueckgezogen=1`, 303);
}
