/**
 * Meine Einreichungen: the submissions of the user's organisations, newest first, as `GET /api/v1/submissions`
 * lists them for the same user (narrowed to those organisations): state, image, tag → digest, dates; filtered by
 * state and organisation in a GET form, paged by the list's cursor.
 */
import type { Context } from 'hono';
import {
  listSubmissions,
  type SubmissionStatus,
  type SubmissionSummary,
  submissionStatuses,
} from '../../../catalogue/index.ts';
import { isSgciError } from '../../../core/index.ts';
import { HttpProblem } from '../../problem.ts';
import type { AppEnv } from '../../router.ts';
import {
  alert,
  buttonLink,
  dataTable,
  errorSummary,
  type FieldError,
  selectField,
  statusBadge,
} from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import { formatDate } from '../i18n.ts';
import type { PageContent } from '../layout.ts';

const pageSize = 20;

const text = {
  de: {
    title: 'Meine Einreichungen',
    intro: 'Die Versionen, die Ihre Organisationen eingereicht haben, neueste zuerst, mit ihrem Stand.',
    notContributor:
      'Sie gehören noch keiner Organisation an. Sobald die Verwaltung Sie Ihrer Organisation zuordnet, sehen Sie hier ihre Einreichungen.',
    filters: 'Filtern',
    results: 'Einreichungen',
    status: 'Status',
    organisation: 'Organisation',
    any: 'alle',
    allMine: 'alle meine Organisationen',
    apply: 'Anwenden',
    reset: 'Filter zurücksetzen',
    submitNew: 'Neues Image einreichen',
    caption: (n: number, more: boolean) =>
      `${n === 1 ? '1 Einreichung' : `${n} Einreichungen`} auf dieser Seite${more ? ', weitere auf der nächsten' : ''}, neueste zuerst`,
    image: 'Image',
    tagDigest: 'Tag → Digest',
    submitted: 'Eingereicht',
    updated: 'Zuletzt geändert',
    untagged: 'ohne Tag',
    empty: 'Ihre Organisationen haben noch keine Version eingereicht.',
    none: 'Keine Einreichung passt zu den Filtern.',
    first: 'Erste Seite',
    next: 'Nächste Seite',
    pagination: 'Seiten',
    invalidStatus: 'Bitte wählen Sie einen Status aus der Liste.',
    invalidOrganisation: 'Bitte wählen Sie eine Ihrer Organisationen.',
    cursorRefused: 'Die Seitenangabe ist ungültig. Sie sehen die erste Seite.',
  },
  en: {
    title: 'My submissions',
    intro: 'The versions your organisations have submitted, newest first, with where each stands.',
    notContributor:
      'You do not belong to an organisation yet. Once the administration adds you to yours, you see its submissions here.',
    filters: 'Filter',
    results: 'Submissions',
    status: 'Status',
    organisation: 'Organisation',
    any: 'all',
    allMine: 'all my organisations',
    apply: 'Apply',
    reset: 'Reset filters',
    submitNew: 'Submit a new image',
    caption: (n: number, more: boolean) =>
      `${n === 1 ? '1 submission' : `${n} submissions`} on this page${more ? ', more on the next' : ''}, newest first`,
    image: 'Image',
    tagDigest: 'Tag → digest',
    submitted: 'Submitted',
    updated: 'Last changed',
    untagged: 'untagged',
    empty: 'Your organisations have not submitted a version yet.',
    none: 'No submission matches the filters.',
    first: 'First page',
    next: 'Next page',
    pagination: 'Pages',
    invalidStatus: 'Please choose a status from the list.',
    invalidOrganisation: 'Please choose one of your organisations.',
    cursorRefused: 'The page reference is invalid. You see the first page.',
  },
};

type ListText = (typeof text)['de'];

interface ListQuery {
  /** The valid filters as given, to show and to keep in the paging links. */
  readonly given: Readonly<Record<string, string>>;
  readonly status?: SubmissionStatus;
  readonly organisation?: string;
  readonly cursor?: string;
  readonly errors: FieldError[];
}

function listQuery(c: Context<AppEnv>, s: ListText, organisations: readonly string[]): ListQuery {
  const errors: FieldError[] = [];
  const given: Record<string, string> = {};
  const status = c.req.query('status') ?? '';
  const organisation = c.req.query('organisation') ?? '';
  const cursor = c.req.query('cursor') ?? '';
  let chosenStatus: SubmissionStatus | undefined;
  let chosenOrganisation: string | undefined;
  if (status !== '') {
    chosenStatus = submissionStatuses.find((st) => st === status);
    if (chosenStatus) given.status = chosenStatus;
    else errors.push({ field: 'status', message: s.invalidStatus });
  }
  if (organisation !== '') {
    chosenOrganisation = organisations.find((o) => o === organisation);
    if (chosenOrganisation) given.organisation = chosenOrganisation;
    else errors.push({ field: 'organisation', message: s.invalidOrganisation });
  }
  return {
    given,
    errors,
    ...(chosenStatus ? { status: chosenStatus } : {}),
    ...(chosenOrganisation ? { organisation: chosenOrganisation } : {}),
    ...(cursor && cursor.length <= 200 ? { cursor } : {}),
  };
}

function pageLink(ctx: PageContext, given: Readonly<Record<string, string>>, cursor?: string): string {
  const params = new URLSearchParams(given);
  if (cursor) params.set('cursor', cursor);
  const search = params.toString();
  return `${ctx.href('submissions')}${search ? `?${search}` : ''}`;
}

function filterForm(ctx: PageContext, s: ListText, q: ListQuery, organisations: readonly string[]): Html {
  const statusOptions = [
    { value: '', label: s.any },
    ...submissionStatuses.map((st) => ({ value: st, label: ctx.t.status[st] })),
  ];
  return html`<form class="filters" method="get" action="${ctx.href('submissions')}" aria-labelledby="filter-title">
<h2 class="kern-heading-small" id="filter-title">${s.filters}</h2>
${selectField(ctx, { name: 'status', label: s.status, value: q.given.status ?? '', errors: q.errors, options: statusOptions })}
${
  organisations.length > 1
    ? selectField(ctx, {
        name: 'organisation',
        label: s.organisation,
        value: q.given.organisation ?? '',
        errors: q.errors,
        options: [{ value: '', label: s.allMine }, ...organisations.map((o) => ({ value: o, label: o }))],
      })
    : ''
}
<div class="actions"><button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">${s.apply}</span></button>
<a href="${ctx.href('submissions')}">${s.reset}</a></div>
</form>`;
}

/** A version as a reader names it: image and tag, or image and the start of its digest. */
export function submissionName(item: Pick<SubmissionSummary, 'image' | 'tag' | 'digest'>): string {
  return item.tag ? `${item.image}:${item.tag}` : `${item.image}@${item.digest.slice(0, 'sha256:'.length + 12)}`;
}

function table(ctx: PageContext, s: ListText, items: readonly SubmissionSummary[], more: boolean, several: boolean) {
  const head = [s.image, s.tagDigest, s.status, ...(several ? [s.organisation] : []), s.submitted, s.updated];
  const rows = items.map((item) => [
    html`<a href="${ctx.href('submission', { id: item.id })}">${submissionName(item)}</a>`,
    html`${item.tag ?? s.untagged} → <code>${item.digest}</code>`,
    statusBadge(ctx, item.status),
    ...(several ? [item.organisation] : []),
    formatDate(ctx.lang, item.createdAt, true),
    formatDate(ctx.lang, item.updatedAt, true),
  ]);
  return dataTable('einreichungen-tabelle', s.caption(items.length, more), head, rows);
}

export async function submissionsPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const principal = ctx.principal;
  if (!principal) throw new HttpProblem(401, 'unauthorized', 'sign in to see your submissions');
  const s = text[ctx.lang];
  const organisations = principal.organisations;
  if (organisations.length === 0)
    return {
      title: s.title,
      main: html`<h1 class="kern-heading-large">${s.title}</h1>${alert('info', s.notContributor, '', { headingLevel: 2 })}`,
    };
  const q = listQuery(c, s, organisations);
  const query = {
    limit: pageSize,
    ...(q.status ? { status: q.status } : {}),
    ...(q.organisation ? { organisation: q.organisation } : { organisations }),
  };
  let cursorRefused = false;
  const page = await listSubmissions(c.var.deps.catalogue.db, principal, {
    ...query,
    ...(q.cursor ? { cursor: q.cursor } : {}),
  }).catch(async (error: unknown) => {
    if (!isSgciError(error, 'USAGE') || error.input !== 'cursor') throw error;
    cursorRefused = true;
    return listSubmissions(c.var.deps.catalogue.db, principal, query);
  });
  const paged = q.cursor !== undefined && !cursorRefused;
  const filtered = Object.keys(q.given).length > 0 || paged;
  const list =
    page.items.length === 0
      ? html`<p>${filtered ? s.none : s.empty}</p>`
      : table(ctx, s, page.items, page.next !== null, organisations.length > 1);
  const pagination =
    paged || page.next
      ? html`<nav class="pagination" aria-label="${s.pagination}">${paged ? html`<a href="${pageLink(ctx, q.given)}">${s.first}</a>` : ''}${page.next ? html`<a href="${pageLink(ctx, q.given, page.next)}" rel="next">${s.next}</a>` : ''}</nav>`
      : '';
  return {
    title: s.title,
    errors: q.errors.length,
    main: html`<h1 class="kern-heading-large">${s.title}</h1>
<p class="lead">${s.intro}</p>
${errorSummary(ctx, q.errors)}
${cursorRefused ? alert('warning', s.cursorRefused, '', { role: 'status' }) : ''}
<p>${buttonLink(ctx.href('submit'), s.submitNew)}</p>
${filterForm(ctx, s, q, organisations)}
<section class="section" aria-labelledby="liste"><h2 class="kern-heading-medium" id="liste">${s.results}</h2>
${list}
${pagination}
</section>`,
  };
}
