import type { Context } from 'hono';
import type { Principal } from '../../catalogue/index.ts';
import { csrfToken } from '../auth/index.ts';
import type { AppEnv } from '../router.ts';
import { type SiteAssets, siteAssets } from './assets/site-assets.ts';
import { type Lang, type Messages, messagesOf, otherLang, type PageId, type PageParams, pathOf } from './i18n.ts';

/** The page a request shows, to link the same page in the other language. */
export interface CurrentPage {
  readonly id: PageId;
  readonly params: PageParams;
}

/** What every template is rendered with: one per request. */
export interface PageContext {
  readonly lang: Lang;
  /** The frame's and the shared components' text in `lang`. */
  readonly t: Messages;
  readonly principal: Principal | undefined;
  /** The session's CSRF token, for the `_csrf` field of every POST form; undefined when nobody is signed in. */
  readonly csrf: string | undefined;
  readonly assets: SiteAssets;
  readonly requestId: string;
  /** The catalogue's clock: dates and SLA clocks are read against it. */
  readonly now: Date;
  /** Whether sign-in through an OpenID Connect issuer is configured. */
  readonly oidc: boolean;
  readonly current: CurrentPage | undefined;
  /** This request's path and query: where to come back to after signing in. */
  readonly here: string;
  /** The same page in the other language, query kept; the other language's start page when there is no page. */
  readonly alternate: string;
  /** A page's path in this context's language. */
  href(id: PageId, params?: PageParams): string;
}

export async function pageContext(c: Context<AppEnv>, lang: Lang, current?: CurrentPage): Promise<PageContext> {
  const { deps } = c.var;
  const url = new URL(c.req.url);
  const other = otherLang(lang);
  return {
    lang,
    t: messagesOf(lang),
    principal: c.var.principal,
    csrf: await csrfToken(c),
    assets: siteAssets(),
    requestId: c.var.requestId,
    now: deps.catalogue.now(),
    oidc: deps.config.oidc !== undefined,
    current,
    here: `${url.pathname}${url.search}`,
    alternate: current ? `${pathOf(current.id, other, current.params)}${url.search}` : pathOf('start', other),
    href: (id, params) => pathOf(id, lang, params),
  };
}
