/**
 * What the administration's pages share: who may open them (as the API decides it), reading a posted form, the
 * way back to the overview, and the confirmation after a change (post/redirect/get).
 */
import type { Context } from 'hono';
import {
  isAdmin,
  isMember,
  type Organisation,
  type Principal,
  requireOrganisation,
} from '../../../../catalogue/index.ts';
import { HttpProblem } from '../../../problem.ts';
import type { AppEnv } from '../../../router.ts';
import { alert, button, csrfInput, dataTable, errorSummary, type FieldError } from '../../components.ts';
import type { PageContext } from '../../context.ts';
import { type Html, html, type Interpolation } from '../../html.ts';
import type { Bilingual, PageId, PageParams } from '../../i18n.ts';
import type { PageContent } from '../../layout.ts';

/** The signed-in principal; anonymous readers get the 401 page with its way to sign in and back. */
export function signedIn(ctx: PageContext): Principal {
  if (!ctx.principal) throw new HttpProblem(401, 'unauthorized', 'sign in to see this page');
  return ctx.principal;
}

/** Admins only (`POST /api/v1/organisations`, `…/members`, `sgci admin user`): others get the 403 page. */
export function admin(ctx: PageContext): Principal {
  const principal = signedIn(ctx);
  if (!isAdmin(principal)) throw new HttpProblem(403, 'forbidden', 'only admins may do this');
  return principal;
}

/**
 * Admins and the organisation's members, as `requireOrganisationAccess` lets them reach its registry credentials
 * and keys (403 for the others, asked before whether the organisation exists, as the API does); then 404 for an
 * organisation that does not exist.
 */
export async function organisationAccess(
  c: Context<AppEnv>,
  ctx: PageContext,
): Promise<{ principal: Principal; organisation: Organisation }> {
  const principal = signedIn(ctx);
  const slug = c.req.param('slug') ?? '';
  if (!isAdmin(principal) && !isMember(principal, slug))
    throw new HttpProblem(403, 'forbidden', `only admins and members of ${slug} may do this`);
  return { principal, organisation: await requireOrganisation(c.var.deps.catalogue.db, slug) };
}

/** A posted form's text fields, trimmed unless named in `raw` (passwords and keys are taken as sent). */
export async function formFields(c: Context<AppEnv>, raw: readonly string[] = []): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body))
    if (typeof value === 'string') fields[name] = raw.includes(name) ? value : value.trim();
  return fields;
}

/** The way from the start page to the administration (and on to `more`). */
export function adminTrail(
  ctx: PageContext,
  more: readonly { readonly label: string; readonly href: string }[] = [],
): NonNullable<PageContent['trail']> {
  return [
    { label: ctx.t.pageTitles.start, href: ctx.href('start') },
    { label: ctx.t.pageTitles.administration, href: ctx.href('administration') },
    ...more,
  ];
}

/** After a change: back to the page (303), which then confirms what `done` names. */
export function doneRedirect(
  c: Context<AppEnv>,
  ctx: PageContext,
  id: PageId,
  params: PageParams,
  done: string,
): Response {
  return c.redirect(`${ctx.href(id, params)}?erledigt=${encodeURIComponent(done)}`, 303);
}

/** The confirmation of the change the redirect names, when it is one of `messages`; nothing otherwise. */
export function doneNotice(c: Context<AppEnv>, ctx: PageContext, messages: Bilingual<Record<string, string>>): Html {
  const done = c.req.query('erledigt');
  const message = done === undefined ? undefined : messages[ctx.lang][done];
  if (message === undefined) return html``;
  return alert('success', message, '', { role: 'status' });
}

/** A small form of one button in a table row (revoke, remove): the button names what it acts on. */
export function rowAction(
  ctx: PageContext,
  action: string,
  label: string,
  subject: string,
  hidden: Readonly<Record<string, string>> = {},
): Html {
  return html`<form method="post" action="${ctx.here.split('?')[0]}">${csrfInput(ctx)}<input type="hidden" name="action" value="${action}">${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}<button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">${label}<span class="kern-sr-only">: ${subject}</span></span></button></form>`;
}

/** The table of a list page: its heading (and caption), columns and rows, and what it says when there are none. */
export interface PageList {
  readonly id: string;
  readonly heading: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly Interpolation[])[];
  readonly none: string;
}

/**
 * The shape every administration list page has: the title, the form errors (422) and the confirmation of the last
 * change at the top, an introduction, the list, then the page's forms.
 */
export function listPage(
  ctx: PageContext,
  page: {
    readonly title: string;
    readonly trail: NonNullable<PageContent['trail']>;
    readonly errors: readonly FieldError[];
    readonly notice: Html;
    readonly intro: string;
    readonly list: PageList;
    readonly forms: Html;
  },
): PageContent {
  const { list } = page;
  return {
    title: page.title,
    trail: page.trail,
    ...(page.errors.length > 0 ? { status: 422 as const, errors: page.errors.length } : {}),
    main: html`<h1 class="kern-heading-large">${page.title}</h1>
${errorSummary(ctx, page.errors)}
${page.notice}
<p class="prose">${page.intro}</p>
<div class="section"><h2 class="kern-heading-medium" id="${list.id}-liste">${list.heading}</h2>
${list.rows.length > 0 ? dataTable(list.id, list.heading, list.head, list.rows) : html`<p>${list.none}</p>`}
</div>
${page.forms}`,
  };
}

/** The way to an organisation's own pages (credentials, keys). */
export function organisationTrail(ctx: PageContext, organisation: Organisation): NonNullable<PageContent['trail']> {
  return adminTrail(ctx, [
    { label: ctx.t.pageTitles.adminOrganisations, href: ctx.href('adminOrganisations') },
    { label: organisation.name, href: ctx.href('adminOrganisation', { slug: organisation.slug }) },
  ]);
}

/**
 * A form that posts to `action` with the session's CSRF token, the kind of change it asks for (the `action` field
 * the handler dispatches on) when the page has several, its fields and its one button. The browser's own checks are
 * off: the server names every error at its field, the same way with and without script.
 */
export function postForm(
  ctx: PageContext,
  action: string,
  kind: string | undefined,
  fields: Html,
  submit: string,
): Html {
  return html`<form class="form-stack" method="post" action="${action}" novalidate>
${csrfInput(ctx)}${kind ? html`<input type="hidden" name="action" value="${kind}">` : ''}
${fields}
<div>${button(submit)}</div>
</form>`;
}

/**
 * Runs the handler of the change a form asks for (its hidden `action` field, see `postForm` and `rowAction`); any
 * other value is a bad request that names the ones the page has.
 */
export function byAction<T>(
  fields: Readonly<Record<string, string>>,
  handlers: Readonly<Record<string, () => Promise<T>>>,
): Promise<T> {
  const action = fields.action ?? '';
  const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
  if (!handler)
    throw new HttpProblem(400, 'invalid-request', `form field action: one of ${Object.keys(handlers).join(', ')}`);
  return handler();
}
