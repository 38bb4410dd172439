/**
 * The frame of every page: skip link, header (identity, language switch, account), main navigation, the page's
 * main content, footer with the legal and service pages. One `<h1>` comes from the page; landmarks, `lang` and
 * the title from here.
 */
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isContributor, isReviewer, type Principal } from '../../catalogue/index.ts';
import { bytesResponse } from '../response-cache.ts';
import type { AppEnv } from '../router.ts';
import { csrfInput } from './components.ts';
import type { PageContext } from './context.ts';
import { type Html, html } from './html.ts';
import type { PageId } from './i18n.ts';
import { operator } from './operator.ts';
import { canTriage } from './pages/triage-common.ts';

/** What a page hands the frame. */
export interface PageContent {
  /** The page's name in the window title (" – container.gov.de" follows); usually its h1. */
  readonly title: string;
  /** The content of `<main>`, starting with the page's one `<h1>`. */
  readonly main: Html;
  readonly status?: ContentfulStatusCode;
  /** How many form errors the page shows: the title then starts with "Fehler". */
  readonly errors?: number;
  /** The way from the start page to this one (not including it). */
  readonly trail?: readonly { readonly label: string; readonly href: string }[];
  /** Loads the enhancement script (copy buttons). */
  readonly script?: boolean;
}

/** An entry of the main navigation, shown to whom `show` admits (everyone when absent). */
export interface NavigationItem {
  readonly id: PageId;
  readonly show?: (principal: Principal | undefined) => boolean;
}

/**
 * The main navigation, in order. The signed-in pages add their entries here with the role that sees them, e.g.
 * `{ id: 'review', show: isReviewer }` (isReviewer from the catalogue).
 */
export const navigation: readonly NavigationItem[] = [
  { id: 'start' },
  { id: 'catalogue' },
  { id: 'submit', show: isContributor },
  { id: 'submissions', show: isContributor },
  { id: 'review', show: isReviewer },
  { id: 'triage', show: canTriage },
  { id: 'administration', show: (principal) => principal !== undefined },
];

/** The footer's pages: the legal duties of a federal website and the ways in. */
const footerPages: readonly PageId[] = ['imprint', 'privacy', 'accessibility', 'easyRead', 'signLanguage', 'sitemap'];

/** The national flag as KERN's header shows it (black, red, gold); no federal eagle. */
const flag = html`<svg viewBox="0 0 5 3" width="24" height="16" focusable="false" aria-hidden="true"><rect width="5" height="1" y="0" fill="#000"/><rect width="5" height="1" y="1" fill="#DD0000"/><rect width="5" height="1" y="2" fill="#FFCE00"/></svg>`;

function account(ctx: PageContext): Html {
  const { t, principal } = ctx;
  if (!principal) {
    const signIn = `${ctx.href('signIn')}?returnTo=${encodeURIComponent(ctx.here)}`;
    return html`<a href="${signIn}">${t.signIn}</a>`;
  }
  return html`<span>${t.signedInAs} <strong>${principal.displayName}</strong></span>
<form method="post" action="/auth/logout">${csrfInput(ctx)}<button type="submit" class="kern-btn kern-btn--tertiary"><span class="kern-icon kern-icon--logout" aria-hidden="true"></span><span class="kern-label">${t.signOut}</span></button></form>`;
}

function header(ctx: PageContext): Html {
  const { t } = ctx;
  const other = ctx.lang === 'de' ? 'en' : 'de';
  const items = navigation.filter((item) => item.show?.(ctx.principal) ?? true);
  return html`<header class="site-header">
<div class="kern-kopfzeile"><div class="kern-container"><div class="kern-kopfzeile__content"><span class="kern-kopfzeile__flagge">${flag}</span><span class="kern-kopfzeile__label">${t.officialSite}</span></div></div></div>
<div class="kern-container">
<div class="site-header__bar">
<a class="site-brand" href="${ctx.href('start')}"><span class="site-brand__name">${t.siteName}</span><span class="site-brand__claim">${t.siteClaim}</span></a>
<div class="site-tools">
<a href="${ctx.alternate}" hreflang="${other}" lang="${other}"><span class="kern-sr-only" lang="${ctx.lang}">${t.languageSwitch}: </span>${t.otherLanguage}</a>
${account(ctx)}
</div>
</div>
<nav class="site-nav" aria-label="${t.mainNavigation}"><ul>${items.map(
    (item) =>
      html`<li><a href="${ctx.href(item.id)}"${ctx.current?.id === item.id ? html` aria-current="page"` : ''}>${t.pageTitles[item.id]}</a></li>`,
  )}</ul></nav>
</div>
</header>`;
}

function footer(ctx: PageContext): Html {
  const { t } = ctx;
  return html`<footer class="site-footer">
<div class="kern-container">
<nav aria-label="${t.footerNavigation}"><ul>${footerPages.map(
    (id) =>
      html`<li><a href="${ctx.href(id)}"${ctx.current?.id === id ? html` aria-current="page"` : ''}>${t.pageTitles[id]}</a></li>`,
  )}<li><a href="/api/v1/openapi.json">${t.api}</a></li></ul></nav>
<p class="meta">${t.siteName} · ${operator.name} · ${operator.platform}</p>
</div>
</footer>`;
}

function trail(ctx: PageContext, content: PageContent): Html {
  if (!content.trail?.length) return html``;
  const label = ctx.lang === 'de' ? 'Sie sind hier' : 'You are here';
  return html`<nav class="breadcrumbs" aria-label="${label}"><ol>${content.trail.map(
    (step) => html`<li><a href="${step.href}">${step.label}</a></li>`,
  )}<li aria-current="page">${content.title}</li></ol></nav>`;
}

/** The whole document. */
export function documentOf(ctx: PageContext, content: PageContent): string {
  const { t, assets } = ctx;
  const title = `${content.errors ? `${t.errorPrefix}: ` : ''}${content.title} – ${t.siteName}`;
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${assets.fonts.map((font) => html`<link rel="preload" href="${font}" as="font" type="font/woff2" crossorigin>`)}
<link rel="stylesheet" href="${assets.stylesheet}">
<link rel="alternate" hreflang="${ctx.lang === 'de' ? 'en' : 'de'}" href="${ctx.alternate}">
${content.script ? html`<script src="${assets.script}" defer></script>` : ''}
</head>
<body>
<a class="skip-link" href="#inhalt">${t.skipLink}</a>
${header(ctx)}
<main id="inhalt" tabindex="-1"><div class="kern-container">
${trail(ctx, content)}
${content.main}
</div></main>
${footer(ctx)}
</body>
</html>
`.toString();
}

/** Whether the client takes a gzip-compressed page. */
export function acceptsGzip(c: Context<AppEnv>): boolean {
  return /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
}

/**
 * The page as a response: HTML, its language, never kept by a shared cache; a signed-in page (with its CSRF token
 * and the user's data) is not stored at all. Only pages without a session are compressed: a compressed page that
 * holds a secret (the CSRF token) beside text the requester chose (a search term) would leak the secret through
 * its length (BREACH).
 */
export function renderPage(c: Context<AppEnv>, ctx: PageContext, content: PageContent): Response {
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'content-language': ctx.lang,
    'cache-control': ctx.principal ? 'no-store' : 'no-cache',
    vary: 'Cookie, Accept-Encoding',
  };
  const page = documentOf(ctx, content);
  const gzip = ctx.csrf === undefined && acceptsGzip(c);
  if (!gzip) return bytesResponse(c, Buffer.from(page), content.status ?? 200, headers);
  headers['content-encoding'] = 'gzip';
  return bytesResponse(c, new Uint8Array(gzipSync(page, { level: 6 })), content.status ?? 200, headers);
}
