/**
 * What the VEX triage pages share: who may triage (whom the API lets record a decision), their own navigation, the
 * words for decision states, justifications and scopes, and the table of decisions the lists show.
 */
import {
  type DecisionScope,
  isReviewer,
  justifications,
  type Principal,
  type VexDecision,
} from '../../../catalogue/index.ts';
import { HttpProblem } from '../../problem.ts';
import { badge, dataTable, type Tone } from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html, type Interpolation } from '../html.ts';
import { type Bilingual, formatDate, type Lang, type PageId } from '../i18n.ts';
import { vexLabel } from './vulnerability-text.ts';

/**
 * Who records VEX decisions, as `POST /api/v1/vex/decisions` allows: reviewers (and admins) for any scope,
 * contributors for their organisation and its images. A user in no organisation has no scope to decide for.
 */
export function canTriage(principal: Principal | undefined): boolean {
  return isReviewer(principal) || (principal?.organisations.length ?? 0) > 0;
}

/**
 * Whether to offer withdrawing: a package across the catalogue is the reviewers' to withdraw; for an image or an
 * organisation the catalogue answers (403 for another organisation's).
 */
export function mayWithdraw(principal: Principal | undefined, decision: VexDecision): boolean {
  return decision.state !== 'withdrawn' && (decision.scope.kind !== 'purl' || isReviewer(principal));
}

/** The signed-in principal who may triage; else the 401 page (with the way to sign in) or the 403 page. */
export function triager(ctx: PageContext): Principal {
  if (!ctx.principal) throw new HttpProblem(401, 'unauthorized', 'sign in to triage vulnerabilities');
  if (!canTriage(ctx.principal))
    throw new HttpProblem(403, 'forbidden', 'only reviewers and contributors of an organisation triage');
  return ctx.principal;
}

const words = {
  de: {
    triageNavigation: 'VEX-Triage',
    decisionColumn: 'Entscheidung',
    decision: (id: string) => `Entscheidung ${id}`,
    vulnerability: 'Schwachstelle',
    scope: 'Geltungsbereich',
    status: 'Status',
    expires: 'Läuft ab',
    state: 'Zustand',
    actions: 'Aktionen',
    renew: 'Erneuern',
    withdraw: 'Zurückziehen',
    inDays: (days: number) => (days === 0 ? 'heute' : days === 1 ? 'morgen' : `in ${days} Tagen`),
    scopePurl: (purl: string) => `Paket ${purl} im ganzen Katalog`,
    scopeImage: (image: string) => `Image ${image} und Images, die darauf aufbauen`,
    scopeOrganisation: (organisation: string) => `alle Images der Organisation ${organisation}`,
    scopeNarrowed: (purl: string) => `, nur Paket ${purl}`,
    states: { 'in-force': 'in Kraft', expired: 'abgelaufen', withdrawn: 'zurückgezogen' },
    justifications: {
      component_not_present: 'Komponente nicht vorhanden',
      vulnerable_code_not_present: 'Verwundbarer Code nicht vorhanden',
      vulnerable_code_not_in_execute_path: 'Verwundbarer Code wird nicht ausgeführt',
      vulnerable_code_cannot_be_controlled_by_adversary: 'Verwundbarer Code von Angreifenden nicht steuerbar',
      inline_mitigations_already_exist: 'Schutzmaßnahmen bereits vorhanden',
    },
  },
  en: {
    triageNavigation: 'VEX triage',
    decisionColumn: 'Decision',
    decision: (id: string) => `Decision ${id}`,
    vulnerability: 'Vulnerability',
    scope: 'Scope',
    status: 'Status',
    expires: 'Expires',
    state: 'State',
    actions: 'Actions',
    renew: 'Renew',
    withdraw: 'Withdraw',
    inDays: (days: number) => (days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`),
    scopePurl: (purl: string) => `Package ${purl} across the catalogue`,
    scopeImage: (image: string) => `Image ${image} and images built on it`,
    scopeOrganisation: (organisation: string) => `all images of organisation ${organisation}`,
    scopeNarrowed: (purl: string) => `, package ${purl} only`,
    states: { 'in-force': 'in force', expired: 'expired', withdrawn: 'withdrawn' },
    justifications: {
      component_not_present: 'Component not present',
      vulnerable_code_not_present: 'Vulnerable code not present',
      vulnerable_code_not_in_execute_path: 'Vulnerable code not in execute path',
      vulnerable_code_cannot_be_controlled_by_adversary: 'Vulnerable code cannot be controlled by adversary',
      inline_mitigations_already_exist: 'Inline mitigations already exist',
    },
  },
} satisfies Bilingual<unknown>;

export function triageWords(lang: Lang) {
  return words[lang];
}

/** A justification in words; one the catalogue does not know reads as given. */
export function justificationLabel(lang: Lang, justification: string): string {
  return (justifications as readonly string[]).includes(justification)
    ? words[lang].justifications[justification as (typeof justifications)[number]]
    : justification;
}

/** What a decision applies to, in words. */
export function scopeLabel(lang: Lang, scope: DecisionScope): string {
  const w = words[lang];
  if (scope.kind === 'purl') return w.scopePurl(scope.purl);
  const narrowed = scope.purl ? w.scopeNarrowed(scope.purl) : '';
  return `${scope.kind === 'image' ? w.scopeImage(scope.image) : w.scopeOrganisation(scope.organisation)}${narrowed}`;
}

const stateTone: Readonly<Record<VexDecision['state'], Tone>> = {
  'in-force': 'success',
  expired: 'warning',
  withdrawn: 'info',
};

export function stateBadge(lang: Lang, state: VexDecision['state']): Html {
  return badge(stateTone[state], words[lang].states[state]);
}

const dayMs = 86_400_000;
const germanDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' });

/** The calendar day in Germany, as a day number: the expiry is read as the date the reader sees. */
function dayOf(at: Date): number {
  return Date.parse(germanDay.format(at)) / dayMs;
}

/** The expiry as a date and, while it is ahead, in how many days. */
export function expiryText(ctx: PageContext, expiresAt: string): string {
  const at = new Date(expiresAt);
  const date = formatDate(ctx.lang, at);
  if (at.getTime() <= ctx.now.getTime()) return date;
  return `${date} (${words[ctx.lang].inDays(dayOf(at) - dayOf(ctx.now))})`;
}

/** The decision form, filled from query parameters (a finding to decide on, a decision to renew). */
export function decideHref(ctx: PageContext, params: Readonly<Record<string, string | undefined>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const search = query.toString();
  return `${ctx.href('triageDecide')}${search ? `?${search}` : ''}`;
}

const triagePages: readonly PageId[] = ['triage', 'triageDecide', 'triageExpiring', 'triageUnmatched'];

/** The triage pages' own navigation, under the page's heading. */
export function triageNavigation(ctx: PageContext): Html {
  return html`<nav class="section" aria-label="${words[ctx.lang].triageNavigation}"><ul class="kern-list kern-list--bullet">${triagePages.map(
    (id) =>
      html`<li><a href="${ctx.href(id)}"${ctx.current?.id === id ? html` aria-current="page"` : ''}>${ctx.t.pageTitles[id]}</a></li>`,
  )}</ul></nav>`;
}

/**
 * Decisions in a table: number (to the decision's page, where it is withdrawn), vulnerability, scope, status,
 * expiry, the columns `extra` adds (near misses), and a link to renew it.
 */
export function decisionsTable<D extends VexDecision>(
  ctx: PageContext,
  id: string,
  caption: string,
  decisions: readonly D[],
  extra?: { readonly head: string; readonly cell: (decision: D) => Interpolation },
): Html {
  const w = words[ctx.lang];
  const head = [w.decisionColumn, w.vulnerability, w.scope, w.status, w.expires, ...(extra ? [extra.head] : [])];
  const rows = decisions.map((d) => [
    html`<a href="${ctx.href('triageDecision', { id: d.id })}">${w.decision(d.id)}</a>`,
    html`<strong>${d.vulnerability}</strong>`,
    scopeLabel(ctx.lang, d.scope),
    html`${vexLabel(ctx.lang, d.status)}${d.justification ? html`<br><span class="meta">${justificationLabel(ctx.lang, d.justification)}</span>` : ''}`,
    expiryText(ctx, d.expiresAt),
    ...(extra ? [extra.cell(d)] : []),
    html`<ul class="plain-list"><li><a href="${decideHref(ctx, { renew: d.id })}">${w.renew}<span class="kern-sr-only">: ${w.decision(d.id)}</span></a></li>${mayWithdraw(ctx.principal, d) ? html`<li><a href="${ctx.href('triageDecision', { id: d.id })}#zurueckziehen">${w.withdraw}<span class="kern-sr-only">: ${w.decision(d.id)}</span></a></li>` : ''}</ul>`,
  ]);
  return dataTable(id, caption, [...head, w.actions], rows);
}
