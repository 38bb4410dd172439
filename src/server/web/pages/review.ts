/**
 * One submission for review: its facts, every check's result with evidence by section, the findings with VEX status
 * and SLA clock, and the decision — a result and note for each manual check, admit / reject / request changes with
 * a reason — posted to the catalogue's `decide`, the function the API's decision route calls. What stands in the
 * way is said instead of hidden: the four-eyes rule (no form), a policy changed since the scan or a missing signing
 * key (no admission). Reviewers only.
 */
import type { Context } from 'hono';
import {
  decide,
  imageDetail,
  type Principal,
  type ReviewCase,
  reviewCase,
  type SubmissionStatus,
} from '../../../catalogue/index.ts';
import { isSgciError, SgciError } from '../../../core/index.ts';
import type { AppEnv } from '../../router.ts';
import {
  alert,
  button,
  csrfInput,
  dataTable,
  englishText,
  errorSummary,
  type FieldError,
  facts,
  selectField,
  statusBadge,
  textArea,
  textField,
} from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import { formatDate } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { checkResultsSection, vulnerabilitiesSection } from '../scan-results.ts';
import {
  type AdmissionBlockers,
  admissible,
  checkDecisionForm,
  type DecisionForm,
  emptyDecisionForm,
  maxNote,
  maxReason,
  noteField,
  readDecisionForm,
  resultField,
} from './review-form.ts';
import { requireReviewerPage, submissionName, waitedFor } from './review-queue.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const text = {
  de: {
    title: (name: string) => `Prüfung: ${name}`,
    onThisPage: 'Auf dieser Seite',
    image: 'Image',
    organisation: 'Organisation',
    submitter: 'Eingereicht von',
    submitted: 'Eingereicht am',
    waiting: 'Wartet seit',
    reference: 'Referenz',
    digest: 'Digest',
    policy: 'Richtlinie der Prüfung',
    policyCurrent: 'die geltende',
    policyOld: 'eine frühere (die Richtlinie hat sich seither geändert)',
    statusReason: 'Begründung des Zustands',
    checks: 'Prüfergebnisse',
    vulnerabilities: 'Schwachstellen',
    notScanned: 'Diese Einreichung ist noch nicht fertig geprüft.',
    decision: 'Entscheidung',
    history: 'Bisherige Entscheidungen',
    notOpen: (status: string) =>
      `Diese Einreichung ist im Zustand „${status}“. Entschieden wird nur über Einreichungen, die auf Review warten.`,
    barredTitle: 'Sie können über diese Einreichung nicht entscheiden',
    barred: {
      'own-submission': 'Sie haben diese Einreichung selbst eingereicht.',
      'own-organisation': (org: string) => `Die Einreichung stammt von Ihrer Organisation ${org}.`,
    },
    fourEyes:
      'Nach dem Vier-Augen-Prinzip entscheidet eine prüfende Person, die weder die Einreichung selbst eingereicht ' +
      'hat noch der einreichenden Organisation angehört.',
    policyChangedTitle: 'Die Richtlinie hat sich seit der Prüfung geändert',
    policyChanged:
      'Ein Prüfurteil nennt immer die Richtlinie, gegen die geprüft wurde. Zulassen ist erst nach einer erneuten ' +
      'Einreichung möglich; ablehnen oder Änderungen anfordern können Sie.',
    noSigningTitle: 'Kein Signaturschlüssel eingerichtet',
    noSigning:
      'Eine Zulassung ist ein signiertes Prüfurteil. Der Katalog läuft ohne Schlüssel (sgci serve --signing-key), ' +
      'deshalb kann nichts zugelassen werden; ablehnen oder Änderungen anfordern können Sie.',
    failedTitle: 'Erforderliche Prüfungen nicht bestanden',
    failed: (ids: string) => `Nicht bestanden: ${ids}. Zulassen ist nicht möglich.`,
    manualTitle: (n: number) => `Manuelle Prüfungen (${n})`,
    manualIntro:
      'Diese Prüfungen kann keine Maschine entscheiden. Bewerten Sie jede und begründen Sie das Ergebnis in einer ' +
      'Notiz; zum Zulassen muss jede bestanden sein. Nachweise und Begründung stehen oben unter den Prüfergebnissen.',
    noManual: 'Diese Einreichung hat keine manuellen Prüfungen.',
    result: 'Ergebnis',
    choose: '– bitte wählen –',
    pass: 'bestanden',
    fail: 'nicht bestanden',
    note: 'Notiz',
    noteHint: 'Was Sie geprüft haben und woran.',
    yourDecision: 'Ihre Entscheidung',
    decisionLabel: 'Entscheidung',
    decisionOptions: { admit: 'zulassen', reject: 'ablehnen', 'request-changes': 'Änderungen anfordern' },
    decisionHint: 'Zulassen signiert ein Prüfurteil (VSA) und veröffentlicht die Version im Katalog.',
    reason: 'Begründung',
    reasonHint: 'Die einreichende Organisation liest sie; sie steht im Prüfprotokoll.',
    send: 'Entscheidung speichern',
    refusedTitle: 'Die Entscheidung wurde nicht gespeichert',
    refused: 'Der Katalog hat sie abgelehnt:',
    done: {
      admitted: 'Zugelassen',
      rejected: 'Abgelehnt',
      'changes-requested': 'Änderungen angefordert',
    } as Partial<Record<SubmissionStatus, string>>,
    admittedBody: (until: string) => `Die Version ist im Katalog veröffentlicht; ihr Prüfurteil gilt bis ${until}.`,
    decidedBody: 'Die einreichende Organisation sieht Ihre Entscheidung und Begründung.',
    toImage: 'Zur Image-Seite',
    toVerdict: 'Prüfurteil (SLSA VSA, signiert) herunterladen',
    toQueue: 'Zurück zur Warteschlange',
    at: 'Zeitpunkt',
    manualResults: 'Manuelle Prüfungen',
    historyCaption: 'Entscheidungen zu dieser Einreichung, älteste zuerst',
  },
  en: {
    title: (name: string) => `Review: ${name}`,
    onThisPage: 'On this page',
    image: 'Image',
    organisation: 'Organisation',
    submitter: 'Submitted by',
    submitted: 'Submitted on',
    waiting: 'Waiting',
    reference: 'Reference',
    digest: 'Digest',
    policy: 'Policy of the scan',
    policyCurrent: 'the one in force',
    policyOld: 'an earlier one (the policy has changed since)',
    statusReason: 'Reason for the state',
    checks: 'Check results',
    vulnerabilities: 'Vulnerabilities',
    notScanned: 'This submission has not finished its checks yet.',
    decision: 'Decision',
    history: 'Decisions so far',
    notOpen: (status: string) =>
      `This submission is in the state “${status}”. Only submissions awaiting review are decided on.`,
    barredTitle: 'You cannot decide on this submission',
    barred: {
      'own-submission': 'You submitted it yourself.',
      'own-organisation': (org: string) => `It comes from your organisation ${org}.`,
    },
    fourEyes:
      'Under the four-eyes rule, a reviewer who neither submitted it nor belongs to the submitting organisation ' +
      'decides.',
    policyChangedTitle: 'The policy has changed since the scan',
    policyChanged:
      'A verdict always names the policy the version was checked against. Admission is only possible after a new ' +
      'submission; you can reject or request changes.',
    noSigningTitle: 'No signing key configured',
    noSigning:
      'An admission is a signed verdict. The catalogue runs without a key (sgci serve --signing-key), so nothing can ' +
      'be admitted; you can reject or request changes.',
    failedTitle: 'Required checks failed',
    failed: (ids: string) => `Failed: ${ids}. Admission is not possible.`,
    manualTitle: (n: number) => `Manual checks (${n})`,
    manualIntro:
      'No machine can decide these checks. Judge each one and explain the result in a note; to admit, each must ' +
      'pass. Evidence and reasons are above, under the check results.',
    noManual: 'This submission has no manual checks.',
    result: 'Result',
    choose: '– please choose –',
    pass: 'passed',
    fail: 'failed',
    note: 'Note',
    noteHint: 'What you checked, and how.',
    yourDecision: 'Your decision',
    decisionLabel: 'Decision',
    decisionOptions: { admit: 'admit', reject: 'reject', 'request-changes': 'request changes' },
    decisionHint: 'Admitting signs a verdict (VSA) and publishes the version in the catalogue.',
    reason: 'Reason',
    reasonHint: 'The submitting organisation reads it; it is kept in the audit log.',
    send: 'Save the decision',
    refusedTitle: 'The decision was not saved',
    refused: 'The catalogue refused it:',
    done: {
      admitted: 'Admitted',
      rejected: 'Rejected',
      'changes-requested': 'Changes requested',
    } as Partial<Record<SubmissionStatus, string>>,
    admittedBody: (until: string) => `The version is published in the catalogue; its verdict is valid until ${until}.`,
    decidedBody: 'The submitting organisation sees your decision and reason.',
    toImage: 'To the image page',
    toVerdict: 'Download the verdict (SLSA VSA, signed)',
    toQueue: 'Back to the queue',
    at: 'Time',
    manualResults: 'Manual checks',
    historyCaption: 'Decisions on this submission, oldest first',
  },
};

type ReviewText = (typeof text)['de'];

/** What a render of the page adds to the case: the form as sent, its errors, a notice at the top. */
interface ReviewState {
  readonly form: DecisionForm;
  readonly errors: readonly FieldError[];
  readonly notice: Html | '';
}

async function readCase(c: Context<AppEnv>, ctx: PageContext): Promise<{ principal: Principal; review: ReviewCase }> {
  const principal = requireReviewerPage(ctx);
  const id = c.req.param('id') ?? '';
  if (!uuidPattern.test(id)) throw new SgciError('NOT_FOUND', id.slice(0, 64), 'no such submission');
  return { principal, review: await reviewCase(c.var.deps, principal, id) };
}

function blockersOf(review: ReviewCase): AdmissionBlockers {
  return {
    failed: (review.result?.checks.results ?? []).filter((r) => r.result === 'fail').map((r) => r.id),
    policyChanged: review.policyChanged,
    noSigning: !review.signing,
  };
}

function manualChecksOf(review: ReviewCase) {
  return (review.result?.checks.results ?? []).filter((r) => r.result === 'manual');
}

function blockerNotices(s: ReviewText, b: AdmissionBlockers): Html {
  return html`${b.failed.length > 0 ? alert('warning', s.failedTitle, html`<p>${s.failed(b.failed.join(', '))}</p>`, { headingLevel: 3 }) : ''}
${b.policyChanged ? alert('warning', s.policyChangedTitle, html`<p>${s.policyChanged}</p>`, { headingLevel: 3 }) : ''}
${b.noSigning ? alert('warning', s.noSigningTitle, html`<p>${s.noSigning}</p>`, { headingLevel: 3 }) : ''}`;
}

function decisionForm(ctx: PageContext, s: ReviewText, review: ReviewCase, state: ReviewState): Html {
  const blockers = blockersOf(review);
  const manual = manualChecksOf(review);
  const { errors, form } = state;
  const results = [
    { value: '', label: s.choose },
    { value: 'pass', label: s.pass },
    { value: 'fail', label: s.fail },
  ];
  const options = [
    { value: '', label: s.choose },
    ...(admissible(blockers) ? [{ value: 'admit', label: s.decisionOptions.admit }] : []),
    { value: 'reject', label: s.decisionOptions.reject },
    { value: 'request-changes', label: s.decisionOptions['request-changes'] },
  ];
  return html`${blockerNotices(s, blockers)}
<form class="form-stack" method="post" action="${ctx.href('reviewSubmission', { id: review.submission.id })}" novalidate>
${csrfInput(ctx)}
<h3 class="kern-heading-small" id="manuell">${s.manualTitle(manual.length)}</h3>
${manual.length > 0 ? html`<p>${s.manualIntro}</p>` : html`<p>${s.noManual}</p>`}
${manual.map(
  (
    check,
  ) => html`<fieldset class="kern-fieldset"><legend class="kern-label"><a href="#${check.id}">${check.id}</a> ${check.title[ctx.lang]}</legend>
<div class="kern-fieldset__body">
${selectField(ctx, { name: resultField(check.id), label: `${s.result} (${check.id})`, value: form.manual[check.id]?.result ?? '', errors, options: results })}
${textField(ctx, { name: noteField(check.id), label: `${s.note} (${check.id})`, hint: s.noteHint, value: form.manual[check.id]?.note ?? '', errors, maxLength: maxNote })}
</div></fieldset>`,
)}
<h3 class="kern-heading-small" id="ihre-entscheidung">${s.yourDecision}</h3>
${selectField(ctx, { name: 'decision', label: s.decisionLabel, hint: s.decisionHint, value: form.decision, errors, options, required: true })}
${textArea(ctx, { name: 'reason', label: s.reason, hint: s.reasonHint, value: form.reason, errors, required: true, maxLength: maxReason })}
<div>${button(s.send)}</div>
</form>`;
}

function decisionSection(ctx: PageContext, s: ReviewText, review: ReviewCase, state: ReviewState): Html {
  const { submission } = review;
  let body: Html;
  if (submission.status !== 'awaiting-review') body = html`<p>${s.notOpen(ctx.t.status[submission.status])}</p>`;
  else if (review.bar)
    body = alert(
      'info',
      s.barredTitle,
      html`<p>${review.bar === 'own-submission' ? s.barred['own-submission'] : s.barred['own-organisation'](review.organisationName)} ${s.fourEyes}</p>`,
      { headingLevel: 3 },
    );
  else body = decisionForm(ctx, s, review, state);
  return html`<section class="section" aria-labelledby="entscheidung"><h2 class="kern-heading-medium" id="entscheidung">${s.decision}</h2>
${body}</section>`;
}

function history(ctx: PageContext, s: ReviewText, review: ReviewCase): Html {
  const { decisions } = review.submission;
  if (decisions.length === 0) return html``;
  const rows = decisions.map((d) => [
    formatDate(ctx.lang, d.at, true),
    s.decisionOptions[d.decision as keyof ReviewText['decisionOptions']] ?? d.decision,
    d.reason,
    d.manualChecks.map((m) => `${m.id}: ${m.result === 'pass' ? s.pass : s.fail} – ${m.note}`).join('; ') || '–',
  ]);
  return html`<section class="section" aria-labelledby="verlauf"><h2 class="kern-heading-medium" id="verlauf">${s.history}</h2>
${dataTable('entscheidungen', s.historyCaption, [s.at, s.decisionLabel, s.reason, s.manualResults], rows)}</section>`;
}

function render(ctx: PageContext, review: ReviewCase, state: ReviewState): PageContent {
  const s = text[ctx.lang];
  const { submission, result } = review;
  const name = submissionName(submission);
  const title = s.title(name);
  // the manual checks start open too: the reviewer judges them
  const open = (r: { result: string }) => r.result === 'fail' || r.result === 'warn' || r.result === 'manual';
  const toc: [string, string][] = [
    ['pruefung', s.checks],
    ['schwachstellen', s.vulnerabilities],
    ['entscheidung', s.decision],
    ...(submission.decisions.length > 0 ? [['verlauf', s.history] as [string, string]] : []),
  ];
  return {
    title,
    errors: state.errors.length,
    trail: [
      { label: ctx.t.pageTitles.start, href: ctx.href('start') },
      { label: ctx.t.pageTitles.review, href: ctx.href('review') },
    ],
    main: html`<h1 class="kern-heading-large">${title}</h1>
${errorSummary(ctx, state.errors)}
${state.notice}
<div class="badges">${statusBadge(ctx, submission.status)}</div>
${facts([
  [
    s.image,
    html`<a href="${ctx.href('image', { name: submission.image })}?version=${submission.digest}">${submission.image}</a>`,
  ],
  [s.organisation, review.organisationName],
  [s.submitter, review.submitter],
  [s.submitted, formatDate(ctx.lang, submission.createdAt, true)],
  ...(submission.status === 'awaiting-review'
    ? [[s.waiting, waitedFor(ctx.lang, submission.createdAt, ctx.now)] as [string, string]]
    : []),
  [s.reference, html`<code>${submission.reference}</code>`],
  [s.digest, html`<code>${submission.digest}</code>`],
  ...(submission.policyDigest
    ? [[s.policy, review.policyChanged ? s.policyOld : s.policyCurrent] as [string, string]]
    : []),
  ...(submission.statusReason ? [[s.statusReason, submission.statusReason] as [string, string]] : []),
])}
<nav class="section" aria-labelledby="inhalt-titel"><h2 class="kern-heading-small" id="inhalt-titel">${s.onThisPage}</h2>
<ul class="kern-list">${toc.map(([id, label]) => html`<li><a href="#${id}">${label}</a></li>`)}</ul></nav>
<section class="section" aria-labelledby="pruefung">${result ? checkResultsSection(ctx, result.checks, s.checks, open) : html`<h2 class="kern-heading-medium" id="pruefung">${s.checks}</h2><p>${s.notScanned}</p>`}</section>
<section class="section" aria-labelledby="schwachstellen">${result ? vulnerabilitiesSection(ctx, result.vulns, result.matched, s.vulnerabilities) : html`<h2 class="kern-heading-medium" id="schwachstellen">${s.vulnerabilities}</h2><p>${s.notScanned}</p>`}</section>
${decisionSection(ctx, s, review, state)}
${history(ctx, s, review)}`,
  };
}

/** The confirmation after a decision (`?entschieden=1`): what happened, and after an admission where to see it. */
async function decidedNotice(c: Context<AppEnv>, ctx: PageContext, review: ReviewCase): Promise<Html | ''> {
  const s = text[ctx.lang];
  const { submission } = review;
  const done = s.done[submission.status];
  if (c.req.query('entschieden') !== '1' || !done) return '';
  const queue = html`<a href="${ctx.href('review')}">${s.toQueue}</a>`;
  if (submission.status !== 'admitted')
    return alert('success', done, html`<p>${s.decidedBody}</p><p>${queue}</p>`, { role: 'status' });
  const image = await imageDetail(c.var.deps.catalogue.db, ctx.principal, submission.image, {
    now: ctx.now,
    orphanAfterDays: c.var.deps.config.orphanAfterDays,
  });
  const version = image.versions.find((v) => v.submission === submission.id);
  const until = version?.verdict ? formatDate(ctx.lang, version.verdict.validUntil, true) : '–';
  const vsa = version?.documents?.vsa;
  return alert(
    'success',
    done,
    html`<p>${s.admittedBody(until)}</p>
<ul class="kern-list kern-list--bullet"><li><a href="${ctx.href('image', { name: submission.image })}?version=${submission.digest}">${s.toImage}</a></li>
${vsa ? html`<li><a href="${vsa}">${s.toVerdict}</a></li>` : ''}
<li>${queue}</li></ul>`,
    { role: 'status' },
  );
}

export async function reviewPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const { review } = await readCase(c, ctx);
  const notice = await decidedNotice(c, ctx, review);
  return render(ctx, review, { form: emptyDecisionForm, errors: [], notice });
}

/**
 * The decision form's target: checked field by field (422 with the fields named), then `decide` — the call the
 * API's decision route makes. A refusal the page could not foresee (another reviewer decided first) comes back as
 * the page with the catalogue's reason (409); success redirects to the page with the confirmation.
 */
export async function reviewDecision(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const { principal, review } = await readCase(c, ctx);
  const s = text[ctx.lang];
  const { id, status } = review.submission;
  // what the page already says stands in the way is refused before the form is read: no errors at absent fields
  if (review.bar) throw new SgciError('FORBIDDEN', id, 'four eyes: you cannot decide on this submission');
  const refused = (reason: Html, current: ReviewCase, form: DecisionForm): PageContent => ({
    ...render(ctx, current, {
      form,
      errors: [],
      notice: alert('danger', s.refusedTitle, reason, { role: 'alert' }),
    }),
    status: 409,
  });
  if (status !== 'awaiting-review')
    return refused(html`<p>${s.notOpen(ctx.t.status[status])}</p>`, review, emptyDecisionForm);
  const form = readDecisionForm(
    await c.req.parseBody(),
    manualChecksOf(review).map((r) => r.id),
  );
  const checked = checkDecisionForm(ctx.lang, form, blockersOf(review));
  if ('errors' in checked) return { ...render(ctx, review, { form, errors: checked.errors, notice: '' }), status: 422 };
  try {
    await decide(c.var.deps, principal, id, checked.request);
  } catch (error) {
    // another reviewer decided a moment ago, or the catalogue sees what the page could not: its reason, as it says it
    if (!isSgciError(error) || (error.code !== 'CONFLICT' && error.code !== 'USAGE')) throw error;
    const reason = html`<p>${s.refused} ${englishText(ctx.lang, error.message)}</p>`;
    return refused(reason, await reviewCase(c.var.deps, principal, id), form);
  }
  return c.redirect(`${ctx.href('reviewSubmission', { id })}?entschieden=1`, 303);
}
