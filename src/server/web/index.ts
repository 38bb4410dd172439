/**
 * The catalogue's pages (container.gov.de): server-rendered HTML in German and English on KERN, every page usable
 * without JavaScript. `webRoutes()` is mounted by the app; `problemPage()` is the app's error handler for browsers.
 * How to add a page: docs/server-pages.md.
 */
import type { Context } from 'hono';
import { publicResponseCache, ResponseCache } from '../response-cache.ts';
import { type App, type AppEnv, router } from '../router.ts';
import { siteAssets } from './assets/site-assets.ts';
import { FeedbackLimiter } from './feedback.ts';
import { langs } from './i18n.ts';
import { acceptsGzip } from './layout.ts';
import { operatorWith } from './operator.ts';
import { page } from './page.ts';
import { accessibilityFeedback, accessibilityPage } from './pages/accessibility.ts';
import { administrationPages } from './pages/admin/index.ts';
import { cataloguePage } from './pages/catalogue.ts';
import { comparePage } from './pages/compare.ts';
import { easyReadPage, signLanguagePage } from './pages/easy-read.ts';
import { imagePage } from './pages/image.ts';
import { imprintPage, privacyPage } from './pages/legal.ts';
import { reviewDecision, reviewPage } from './pages/review.ts';
import { reviewQueuePage } from './pages/review-queue.ts';
import { signInPage } from './pages/sign-in.ts';
import { sitemapPage } from './pages/sitemap.ts';
import { startPage } from './pages/start.ts';
import { submissionPage, withdrawAction } from './pages/submission.ts';
import { submissionsPage } from './pages/submissions.ts';
import { submitAction, submitPage } from './pages/submit.ts';
import { triagePage } from './pages/triage.ts';
import { triageDecideAction, triageDecidePage } from './pages/triage-decide.ts';
import { triageDecisionPage, triageWithdrawAction } from './pages/triage-decision.ts';
import { triageExpiringPage, triageUnmatchedPage } from './pages/triage-lists.ts';

export { problemPage } from './pages/errors.ts';

/** A year: the name changes with the content, so the file never does. */
const immutable = 'public, max-age=31536000, immutable';

async function asset(c: Context<AppEnv>): Promise<Response> {
  const file = siteAssets().get(c.req.param('file') ?? '');
  if (!file) return c.notFound();
  const accepted = c.req.header('accept-encoding') ?? '';
  const [body, encoding] =
    file.br && /\bbr\b/.test(accepted)
      ? [file.br, 'br']
      : file.gzip && /\bgzip\b/.test(accepted)
        ? [file.gzip, 'gzip']
        : [file.body, undefined];
  const headers: Record<string, string> = { 'content-type': file.type, 'cache-control': immutable };
  if (file.br) headers.vary = 'Accept-Encoding';
  if (encoding) headers['content-encoding'] = encoding;
  return c.body(new Uint8Array(body), 200, headers);
}

/** Every page in both languages, the site's static files, and `/` → `/de/`. */
export function webRoutes(): App {
  const app = router();
  // built now rather than on the first page: trimming and compressing takes a fraction of a second
  siteAssets();
  const feedback = new FeedbackLimiter();
  app.get('/', (c) => c.redirect('/de/', 302));
  app.get('/de', (c) => c.redirect('/de/', 301));
  app.get('/en', (c) => c.redirect('/en/', 301));
  app.get('/assets/:file', asset);
  // a page for a reader without a session is the same for every such reader: kept as the API's public reads are
  const pages = publicResponseCache(new ResponseCache(), {
    variant: (c) => (acceptsGzip(c) ? 'gzip' : 'identity'),
    keeps: () => true,
  });
  for (const lang of langs) app.use(`/${lang}/*`, pages);
  page(app, 'start', async (_c, ctx) => startPage(ctx));
  page(app, 'catalogue', cataloguePage);
  page(app, 'image', imagePage);
  page(app, 'compare', comparePage);
  page(app, 'signIn', signInPage);
  page(app, 'imprint', async (c, ctx) => imprintPage(ctx, operatorWith(c.var.deps.config.operator)));
  page(app, 'privacy', async (c, ctx) => {
    const { auth, operator } = c.var.deps.config;
    const session = { idleMinutes: auth.sessionIdleMinutes, maxHours: auth.sessionMaxHours };
    return privacyPage(ctx, session, operatorWith(operator));
  });
  page(app, 'accessibility', accessibilityPage);
  page(app, 'accessibility', accessibilityFeedback(feedback), 'POST');
  page(app, 'easyRead', async (_c, ctx) => easyReadPage(ctx));
  page(app, 'signLanguage', async (_c, ctx) => signLanguagePage(ctx));
  page(app, 'sitemap', async (_c, ctx) => sitemapPage(ctx));
  page(app, 'review', reviewQueuePage);
  page(app, 'reviewSubmission', reviewPage);
  page(app, 'reviewSubmission', reviewDecision, 'POST');
  page(app, 'submit', submitPage);
  page(app, 'submit', submitAction, 'POST');
  page(app, 'submissions', submissionsPage);
  page(app, 'submission', submissionPage);
  page(app, 'submission', withdrawAction, 'POST');
  page(app, 'triage', triagePage);
  page(app, 'triageDecide', triageDecidePage);
  page(app, 'triageDecide', triageDecideAction, 'POST');
  page(app, 'triageDecision', triageDecisionPage);
  page(app, 'triageDecision', triageWithdrawAction, 'POST');
  page(app, 'triageExpiring', triageExpiringPage);
  page(app, 'triageUnmatched', triageUnmatchedPage);
  administrationPages(app);
  return app;
}
