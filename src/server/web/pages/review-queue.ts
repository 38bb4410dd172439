/**
 * *Prüfung*, the reviewers' queue: the submissions awaiting a decision (or, on request, those the scan stopped),
 * oldest first, with what a reviewer weighs before opening one — failing and manual checks, open fixable
 * vulnerabilities — and, where the four-eyes rule bars the reader, that it does. Reviewers only.
 */
import type { Context } from 'hono';
import {
  isReviewer,
  type Principal,
  type ReviewQueueEntry,
  reviewQueue,
  reviewStatuses,
} from '../../../catalogue/index.ts';
import { HttpProblem } from '../../problem.ts';
import type { AppEnv } from '../../router.ts';
import { badge, button, dataTable, errorSummary, type FieldError, selectField } from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import { formatDate, type Lang } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { severityCounts } from './vulnerability-text.ts';

/** Rows shown: a queue longer than this is worked from the top (the filters narrow it). */
const queueShown = 100;
const dayMs = 86_400_000;

const text = {
  de: {
    intro:
      'Einreichungen, die auf die Entscheidung einer prüfenden Person warten, die älteste zuerst. Über Einreichungen ' +
      'Ihrer eigenen Organisation entscheiden andere (Vier-Augen-Prinzip).',
    filters: 'Auswahl',
    status: 'Zustand',
    statuses: { 'awaiting-review': 'wartet auf Review', 'checks-failed': 'Prüfungen nicht bestanden' },
    organisation: 'Organisation',
    any: 'alle',
    show: 'Anzeigen',
    caption: (status: string, n: number) => `Einreichungen im Zustand „${status}“ (${n}), die älteste zuerst`,
    more: (n: number) => `Es warten mehr als ${n} Einreichungen; die Auswahl nach Organisation grenzt sie ein.`,
    empty: 'Keine Einreichung in diesem Zustand.',
    emptyQueue: 'Keine Einreichung wartet auf eine Entscheidung.',
    image: 'Image und Version',
    submitter: 'Eingereicht von',
    waiting: 'Wartet seit',
    failing: 'Nicht bestanden',
    manual: 'Manuell zu prüfen',
    fixable: 'Behebbare offene Schwachstellen',
    note: 'Hinweis',
    none: 'keine',
    notMatched: 'nicht abgeglichen',
    notScanned: 'noch kein Ergebnis',
    days: (n: number) => (n === 0 ? 'heute' : n === 1 ? '1 Tag' : `${n} Tagen`),
    since: (age: string, date: string) => `${age} (${date})`,
    barred: {
      'own-submission': 'von Ihnen eingereicht',
      'own-organisation': 'Ihre Organisation',
    },
    badStatus: 'Diesen Zustand gibt es in der Prüfung nicht; gezeigt wird, was auf Review wartet.',
    badOrganisation: 'Diese Organisation hat keine Einreichung in diesem Zustand; gezeigt werden alle.',
  },
  en: {
    intro:
      'Submissions waiting for a reviewer’s decision, oldest first. Submissions of your own organisation are ' +
      'decided by others (four-eyes rule).',
    filters: 'Selection',
    status: 'State',
    statuses: { 'awaiting-review': 'awaiting review', 'checks-failed': 'checks failed' },
    organisation: 'Organisation',
    any: 'all',
    show: 'Show',
    caption: (status: string, n: number) => `Submissions in the state “${status}” (${n}), oldest first`,
    more: (n: number) => `More than ${n} submissions are waiting; select an organisation to narrow them down.`,
    empty: 'No submission in this state.',
    emptyQueue: 'No submission is waiting for a decision.',
    image: 'Image and version',
    submitter: 'Submitted by',
    waiting: 'Waiting',
    failing: 'Failed',
    manual: 'Manual checks',
    fixable: 'Open fixable vulnerabilities',
    note: 'Note',
    none: 'none',
    notMatched: 'not matched',
    notScanned: 'no result yet',
    days: (n: number) => (n === 0 ? 'today' : n === 1 ? '1 day' : `${n} days`),
    since: (age: string, date: string) => `${age} (${date})`,
    barred: {
      'own-submission': 'submitted by you',
      'own-organisation': 'your organisation',
    },
    badStatus: 'There is no such state in the review; shown is what awaits review.',
    badOrganisation: 'This organisation has no submission in this state; all are shown.',
  },
};

type QueueText = (typeof text)['de'];

/** A submitted version as a reviewer names it: image and tag, or image and the start of the digest. */
export function submissionName(s: { image: string; tag: string | null; digest: string }): string {
  return `${s.image} ${s.tag ?? s.digest.slice(0, 'sha256:'.length + 12)}`;
}

/** How long a submission has waited, in whole days, as words. */
export function waitedFor(lang: Lang, createdAt: string, now: Date): string {
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / dayMs));
  return text[lang].since(text[lang].days(days), formatDate(lang, createdAt));
}

/** Signed in as a reviewer, or the 401/403 page. */
export function requireReviewerPage(ctx: PageContext): Principal {
  if (!ctx.principal) throw new HttpProblem(401, 'unauthorized', 'sign in to review submissions');
  if (!isReviewer(ctx.principal)) throw new HttpProblem(403, 'forbidden', 'only reviewers review submissions');
  return ctx.principal;
}

function row(ctx: PageContext, s: QueueText, e: ReviewQueueEntry) {
  const name = submissionName(e);
  const fixable =
    e.checks === null
      ? s.notScanned
      : e.fixable === null
        ? s.notMatched
        : severityCounts(ctx.lang, e.fixable) || s.none;
  return [
    html`<a href="${ctx.href('reviewSubmission', { id: e.id })}">${name}</a>`,
    e.organisation.name,
    e.submittedBy,
    waitedFor(ctx.lang, e.createdAt, ctx.now),
    e.checks ? String(e.checks.fail) : '–',
    e.checks ? String(e.checks.manual) : '–',
    fixable,
    e.bar ? badge('warning', s.barred[e.bar]) : '',
  ];
}

export async function reviewQueuePage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const principal = requireReviewerPage(ctx);
  const s = text[ctx.lang];
  const title = ctx.t.pageTitles.review;
  const errors: FieldError[] = [];
  const givenStatus = c.req.query('status') ?? '';
  const status = reviewStatuses.find((v) => v === givenStatus) ?? 'awaiting-review';
  if (givenStatus !== '' && status !== givenStatus) errors.push({ field: 'status', message: s.badStatus });
  const givenOrganisation = c.req.query('organisation') ?? '';
  let queue = await reviewQueue(c.var.deps.catalogue.db, principal, {
    status,
    limit: queueShown,
    ...(givenOrganisation ? { organisation: givenOrganisation } : {}),
  });
  if (givenOrganisation && !queue.organisations.some((o) => o.slug === givenOrganisation)) {
    errors.push({ field: 'organisation', message: s.badOrganisation });
    queue = await reviewQueue(c.var.deps.catalogue.db, principal, { status, limit: queueShown });
  }
  const organisation = errors.some((e) => e.field === 'organisation') ? '' : givenOrganisation;
  const statusLabel = s.statuses[status];
  const filters: Html = html`<form class="form-stack" method="get" action="${ctx.href('review')}" aria-labelledby="auswahl-titel">
<h2 class="kern-heading-small" id="auswahl-titel">${s.filters}</h2>
${selectField(ctx, { name: 'status', label: s.status, value: status, errors, options: reviewStatuses.map((v) => ({ value: v, label: s.statuses[v] })) })}
${selectField(ctx, { name: 'organisation', label: s.organisation, value: organisation, errors, options: [{ value: '', label: s.any }, ...queue.organisations.map((o) => ({ value: o.slug, label: o.name }))] })}
<div>${button(s.show, { variant: 'secondary' })}</div>
</form>`;
  const list =
    queue.items.length === 0
      ? html`<p>${status === 'awaiting-review' && !organisation ? s.emptyQueue : s.empty}</p>`
      : html`${dataTable(
          'warteschlange',
          s.caption(statusLabel, queue.items.length),
          [s.image, s.organisation, s.submitter, s.waiting, s.failing, s.manual, s.fixable, s.note],
          queue.items.map((e) => row(ctx, s, e)),
          { numeric: [4, 5] },
        )}${queue.more ? html`<p>${s.more(queueShown)}</p>` : ''}`;
  return {
    title,
    errors: errors.length,
    trail: [{ label: ctx.t.pageTitles.start, href: ctx.href('start') }],
    main: html`<h1 class="kern-heading-large">${title}</h1>
${errorSummary(ctx, errors)}
<p class="lead">${s.intro}</p>
${filters}
<section class="section" aria-labelledby="liste-titel"><h2 class="kern-heading-medium" id="liste-titel">${statusLabel}</h2>
${list}</section>`,
  };
}
