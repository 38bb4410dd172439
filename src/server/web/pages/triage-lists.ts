/**
 * The decisions that need looking at: those in force that expire soon (to renew before their findings re-open) and
 * those that match no finding of any version (`GET /api/v1/vex/decisions?unmatched=true`), with the findings they
 * nearly name and why not. Each links to its page (to withdraw it) and to the form filled with it (to renew it).
 */
import type { Context } from 'hono';
import { type DecisionListItem, listDecisions } from '../../../catalogue/index.ts';
import type { AppEnv } from '../../router.ts';
import { sourceOf } from '../../routes/vex.ts';
import { alert, button, englishText, errorSummary, type FieldError, selectField } from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import type { PageContent } from '../layout.ts';
import { decisionsTable, triageNavigation, triager } from './triage-common.ts';

/** The windows the expiring list offers, in days; the first page shows the middle one. */
const windows = ['7', '30', '90'] as const;
const defaultWindow = '30';
/** Expiring decisions listed at once: a window of a few weeks holds far fewer in a catalogue that renews. */
const expiringShown = 200;
const unmatchedPage = 50;
const dayMs = 86_400_000;

const text = {
  de: {
    expiringIntro:
      'Entscheidungen in Kraft, die bald ablaufen. Läuft eine ab, öffnen sich ihre Befunde wieder; erneuern Sie sie, ' +
      'wenn sie weiter zutrifft.',
    window: 'Zeitraum',
    windows: { '7': 'nächste 7 Tage', '30': 'nächste 30 Tage', '90': 'nächste 90 Tage' },
    windowInvalid: 'Bitte wählen Sie einen der angebotenen Zeiträume.',
    show: 'Anzeigen',
    expiringCaption: (days: string) => `Entscheidungen, die in den nächsten ${days} Tagen ablaufen, früheste zuerst`,
    expiringNone: (days: string) => `Keine Entscheidung läuft in den nächsten ${days} Tagen ab.`,
    expiringMore: `Es werden die ersten ${expiringShown} angezeigt; wählen Sie einen kürzeren Zeitraum.`,
    unmatchedIntro:
      'Entscheidungen, deren Schwachstelle und Geltungsbereich keinen Befund irgendeiner Version treffen, die Sie ' +
      'sehen dürfen – geprüft, wie der Abgleich sie anwendet. Die Beinahe-Treffer nennen den häufigsten Fehler: ' +
      'Qualifier, Version oder Quell- statt Binärpaket.',
    unmatchedCaption: 'Entscheidungen ohne Treffer, neueste zuerst',
    unmatchedNone: 'Jede Entscheidung trifft mindestens einen Befund.',
    nearMisses: 'Beinahe-Treffer',
    noNearMiss: 'keine',
    next: 'Weitere Entscheidungen',
    first: 'Erste Seite',
    pagination: 'Seiten',
    cursorRefused: 'Die Seitenangabe ist ungültig; es wird die erste Seite gezeigt.',
  },
  en: {
    expiringIntro:
      'Decisions in force that expire soon. When one expires its findings re-open; renew it if it still holds.',
    window: 'Period',
    windows: { '7': 'next 7 days', '30': 'next 30 days', '90': 'next 90 days' },
    windowInvalid: 'Please choose one of the periods offered.',
    show: 'Show',
    expiringCaption: (days: string) => `Decisions expiring in the next ${days} days, earliest first`,
    expiringNone: (days: string) => `No decision expires in the next ${days} days.`,
    expiringMore: `The first ${expiringShown} are shown; choose a shorter period.`,
    unmatchedIntro:
      'Decisions whose vulnerability and scope meet no finding of any version you may see, tried as the matcher ' +
      'applies them. The near misses name the usual mistake: a qualifier, the version, or the source instead of ' +
      'the binary package.',
    unmatchedCaption: 'Decisions without matches, newest first',
    unmatchedNone: 'Every decision meets at least one finding.',
    nearMisses: 'Near misses',
    noNearMiss: 'none',
    next: 'More decisions',
    first: 'First page',
    pagination: 'Pages',
    cursorRefused: 'The page given is not valid; the first page is shown.',
  },
};

function frame(ctx: PageContext, intro: string, body: Html, errors: readonly FieldError[] = []): Html {
  const title = ctx.current ? ctx.t.pageTitles[ctx.current.id] : '';
  return html`<h1 class="kern-heading-large">${title}</h1>
<p class="lead">${intro}</p>
${triageNavigation(ctx)}
${errorSummary(ctx, errors)}
${body}`;
}

const trail = (ctx: PageContext) => [
  { label: ctx.t.pageTitles.start, href: ctx.href('start') },
  { label: ctx.t.pageTitles.triage, href: ctx.href('triage') },
];

export async function triageExpiringPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const principal = triager(ctx);
  const s = text[ctx.lang];
  const given = c.req.query('days') ?? defaultWindow;
  const valid = (windows as readonly string[]).includes(given);
  const days = (valid ? given : defaultWindow) as (typeof windows)[number];
  const errors: FieldError[] = valid ? [] : [{ field: 'days', message: s.windowInvalid }];
  const { deps } = c.var;
  const page = await listDecisions(deps.catalogue, sourceOf(deps), principal, {
    state: 'in-force',
    expiresBefore: new Date(ctx.now.getTime() + Number(days) * dayMs),
    limit: expiringShown,
  });
  const soonest = [...page.items].sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  const list =
    soonest.length === 0
      ? html`<p>${s.expiringNone(days)}</p>`
      : html`${decisionsTable(ctx, 'ablaufend-tabelle', s.expiringCaption(days), soonest)}${page.next ? html`<p>${s.expiringMore}</p>` : ''}`;
  const form = html`<form class="form-stack" method="get" action="${ctx.href('triageExpiring')}" novalidate>
${selectField(ctx, { name: 'days', label: s.window, value: days, errors, options: windows.map((w) => ({ value: w, label: s.windows[w] })) })}
<div>${button(s.show)}</div>
</form>`;
  return {
    title: ctx.t.pageTitles.triageExpiring,
    errors: errors.length,
    trail: trail(ctx),
    main: frame(ctx, s.expiringIntro, html`${form}${list}`, errors),
  };
}

function nearMissCell(ctx: PageContext, s: (typeof text)['de'], d: DecisionListItem): Html {
  const misses = d.nearMisses ?? [];
  if (misses.length === 0) return html`${s.noNearMiss}`;
  // the reasons are the API's, in English
  return html`<ul class="kern-list">${misses.map((m) => html`<li><code>${m.purl}</code>: ${englishText(ctx.lang, m.reason)}</li>`)}</ul>`;
}

export async function triageUnmatchedPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const principal = triager(ctx);
  const s = text[ctx.lang];
  const given = c.req.query('cursor');
  const refused = given !== undefined && !/^\d{1,19}$/.test(given);
  const cursor = given !== undefined && !refused ? given : undefined;
  const { deps } = c.var;
  const page = await listDecisions(deps.catalogue, sourceOf(deps), principal, {
    unmatched: true,
    limit: unmatchedPage,
    ...(cursor ? { cursor } : {}),
  });
  const here = ctx.href('triageUnmatched');
  const pagination =
    cursor || page.next
      ? html`<nav class="pagination" aria-label="${s.pagination}">${cursor ? html`<a href="${here}">${s.first}</a>` : ''}${page.next ? html`<a href="${here}?cursor=${page.next}" rel="next">${s.next}</a>` : ''}</nav>`
      : '';
  const list =
    page.items.length === 0
      ? html`<p>${s.unmatchedNone}</p>`
      : decisionsTable(ctx, 'ohne-treffer-tabelle', s.unmatchedCaption, page.items, {
          head: s.nearMisses,
          cell: (d) => nearMissCell(ctx, s, d),
        });
  return {
    title: ctx.t.pageTitles.triageUnmatched,
    trail: trail(ctx),
    main: frame(
      ctx,
      s.unmatchedIntro,
      html`${refused ? alert('warning', s.cursorRefused, '', { role: 'status' }) : ''}${list}${pagination}`,
    ),
  };
}
