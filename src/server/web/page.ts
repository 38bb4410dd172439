import type { Context } from 'hono';
import type { App, AppEnv } from '../router.ts';
import { type PageContext, pageContext } from './context.ts';
import { langs, type PageId, pagePaths } from './i18n.ts';
import { type PageContent, renderPage } from './layout.ts';

/** Renders a page's content, or answers otherwise (a redirect after a form was accepted). */
export type PageHandler = (c: Context<AppEnv>, ctx: PageContext) => Promise<PageContent | Response>;

/**
 * Registers a page under its path in each language (`pagePaths`), with the context of the request's language. A
 * handler that throws (an SgciError NOT_FOUND, an HttpProblem) gets the site's error page in that language.
 */
export function page(app: App, id: PageId, handler: PageHandler, method: 'GET' | 'POST' = 'GET'): void {
  for (const lang of langs) {
    app.on(method, pagePaths[id][lang], async (c) => {
      const ctx = await pageContext(c, lang, { id, params: c.req.param() as Record<string, string> });
      const result = await handler(c, ctx);
      return result instanceof Response ? result : renderPage(c, ctx, result);
    });
  }
}
