/**
 * The site's error pages: a browser that asks for HTML outside `/api/` gets a page in the path's language (or,
 * where the path has none, in German with the English beside it) instead of problem+json; the API keeps its
 * problem documents. A page says what happened and where to go on; a 500 names the request id and nothing more.
 */
import type { Context } from 'hono';
import type { HttpProblem } from '../../problem.ts';
import type { AppEnv } from '../../router.ts';
import { type PageContext, pageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import { type Lang, langOfPath, messagesOf, pathOf } from '../i18n.ts';
import { renderPage } from '../layout.ts';
import { signInFailed } from './sign-in.ts';

interface ErrorText {
  readonly title: string;
  readonly body: string;
}

const texts: Readonly<Record<Lang, Readonly<Record<'401' | '403' | '404' | '500' | 'other', ErrorText>>>> = {
  de: {
    401: { title: 'Bitte melden Sie sich an', body: 'Diese Seite sehen nur angemeldete Personen.' },
    403: {
      title: 'Zugriff verweigert',
      body: 'Sie dürfen diese Seite nicht sehen oder diese Aktion nicht ausführen. War ein Formular lange geöffnet, laden Sie die Seite neu und senden Sie es erneut.',
    },
    404: {
      title: 'Seite nicht gefunden',
      body: 'Unter dieser Adresse gibt es keine Seite. Vielleicht hat sich die Adresse geändert, oder das Image ist (noch) nicht öffentlich.',
    },
    500: {
      title: 'Interner Fehler',
      body: 'Auf unserer Seite ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut. Wenn Sie uns schreiben, nennen Sie bitte diese Kennung:',
    },
    other: { title: 'Die Anfrage war nicht möglich', body: 'Der Server konnte diese Anfrage nicht ausführen.' },
  },
  en: {
    401: { title: 'Please sign in', body: 'Only signed-in people see this page.' },
    403: {
      title: 'Access denied',
      body: 'You may not see this page or take this action. If a form was open for a long time, reload the page and send it again.',
    },
    404: {
      title: 'Page not found',
      body: 'There is no page at this address. The address may have changed, or the image is not public (yet).',
    },
    500: {
      title: 'Internal error',
      body: 'An error occurred on our side. Please try again later. If you write to us, please quote this id:',
    },
    other: { title: 'The request was not possible', body: 'The server could not carry out this request.' },
  },
};

function textOf(lang: Lang, status: number): ErrorText {
  const key =
    status === 401 || status === 403 || status === 404 || status >= 500 ? String(Math.min(status, 500)) : 'other';
  return texts[lang][key as keyof (typeof texts)['de']];
}

function explanation(ctx: PageContext, lang: Lang, problem: HttpProblem): Html {
  const t = textOf(lang, problem.status);
  const links =
    problem.status === 401
      ? html`<li><a href="${pathOf('signIn', lang)}?returnTo=${encodeURIComponent(ctx.here)}">${messagesOf(lang).signIn}</a></li>`
      : '';
  const start = lang === 'de' ? 'Zur Startseite' : 'To the home page';
  const catalogue = lang === 'de' ? 'Zum Katalog' : 'To the catalogue';
  return html`<p>${t.body}${problem.status >= 500 ? html` <code>${ctx.requestId}</code>` : ''}</p>
<ul class="kern-list kern-list--bullet">${links}
<li><a href="${pathOf('start', lang)}">${start}</a></li>
<li><a href="${pathOf('catalogue', lang)}">${catalogue}</a></li>
<li><a href="${pathOf('sitemap', lang)}">${messagesOf(lang).pageTitles.sitemap}</a></li></ul>`;
}

/** Whether the request is a browser's for a page: it accepts HTML and is not for the API. */
function wantsPage(c: Context<AppEnv>): boolean {
  const path = c.req.path;
  if (path === '/api' || path.startsWith('/api/')) return false;
  return (c.req.header('accept') ?? '').includes('text/html');
}

/**
 * The HTML answer to a problem, or undefined when the request wants problem+json (the API, clients that do not
 * ask for HTML) or the page cannot be built (then the caller answers problem+json).
 */
export async function problemPage(c: Context<AppEnv>, problem: HttpProblem): Promise<Response | undefined> {
  if (!wantsPage(c)) return undefined;
  try {
    if (c.req.method === 'POST' && c.req.path === '/auth/login' && problem.status !== 403 && problem.status !== 413)
      return await signInFailed(c, problem);
    const path = c.req.path;
    const explicit = path === '/de' || path.startsWith('/de/') || path === '/en' || path.startsWith('/en/');
    const lang = langOfPath(path);
    const ctx = await pageContext(c, lang);
    const t = textOf(lang, problem.status);
    // a path of no language: German, with the same in English beside it
    const english = explicit
      ? ''
      : html`<section lang="en" class="section" aria-labelledby="english"><h2 class="kern-heading-medium" id="english">${textOf('en', problem.status).title}</h2>${explanation(ctx, 'en', problem)}</section>`;
    return renderPage(c, ctx, {
      title: t.title,
      status: problem.status,
      main: html`<h1 class="kern-heading-large">${t.title}</h1>${explanation(ctx, lang, problem)}${english}`,
    });
  } catch (error) {
    c.var.deps.logger.warn({ requestId: c.var.requestId, error: String(error) }, 'error page failed');
    return undefined;
  }
}
