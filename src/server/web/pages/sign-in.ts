/**
 * Sign-in: a form that posts to the server's `POST /auth/login` (form-encoded, with `returnTo`), and the button to
 * the OpenID Connect issuer when one is configured. A refused sign-in comes back here through the app's error
 * handler (`signInFailed`), with the reason at the field and the login filled in again (never the password).
 */
import type { Context } from 'hono';
import type { HttpProblem } from '../../problem.ts';
import type { AppEnv } from '../../router.ts';
import { alert, button, buttonLink, csrfInput, errorSummary, type FieldError, textField } from '../components.ts';
import { type PageContext, pageContext } from '../context.ts';
import { html } from '../html.ts';
import { langOfPath, pathOf } from '../i18n.ts';
import { type PageContent, renderPage } from '../layout.ts';

/** A path on this site (as the server's ReturnTo accepts it): never `//host`, `/\host` or a scheme. */
const returnToPattern = /^\/(?![/\\])[^\s\\]*$/;

const text = {
  de: {
    intro:
      'Anmelden müssen sich nur Mitwirkende, Prüfende und die Verwaltung des Katalogs. Zum Lesen des Katalogs ' +
      'brauchen Sie kein Konto.',
    login: 'Anmeldename',
    password: 'Passwort',
    submit: 'Anmelden',
    oidc: 'Mit dem Konto Ihrer Organisation anmelden',
    oidcTitle: 'Anmeldung über Ihre Organisation',
    cookie: 'Mit der Anmeldung setzt die Website ein Sitzungs-Cookie; Einzelheiten in der',
    privacy: 'Datenschutzerklärung',
    signedIn: (name: string) => `Sie sind angemeldet als ${name}.`,
    continue: 'Weiter',
    errors: {
      refused: 'Anmeldename oder Passwort ist falsch.',
      limited:
        'Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.',
      login: 'Bitte geben Sie Ihren Anmeldenamen ein.',
      password: 'Bitte geben Sie Ihr Passwort ein.',
    },
  },
  en: {
    intro:
      'Only contributors, reviewers and the catalogue’s administrators sign in. You need no account to read the ' +
      'catalogue.',
    login: 'Login name',
    password: 'Password',
    submit: 'Sign in',
    oidc: 'Sign in with your organisation’s account',
    oidcTitle: 'Sign in through your organisation',
    cookie: 'Signing in sets a session cookie; details in the',
    privacy: 'privacy notice',
    signedIn: (name: string) => `You are signed in as ${name}.`,
    continue: 'Continue',
    errors: {
      refused: 'Login name or password is wrong.',
      limited: 'Too many failed sign-ins. Please wait a few minutes and try again.',
      login: 'Please enter your login name.',
      password: 'Please enter your password.',
    },
  },
};

/** Where to go after signing in: the given path when it is one of this site's, else the language's start page. */
function returnToOf(given: unknown, ctx: PageContext): string {
  return typeof given === 'string' && given.length <= 2000 && returnToPattern.test(given) ? given : ctx.href('start');
}

interface SignInState {
  readonly returnTo: string;
  readonly login: string;
  readonly errors: readonly FieldError[];
}

function signInContent(ctx: PageContext, state: SignInState, status?: PageContent['status']): PageContent {
  const s = text[ctx.lang];
  const title = ctx.t.pageTitles.signIn;
  const head = html`<h1 class="kern-heading-large">${title}</h1>`;
  if (ctx.principal)
    return {
      title,
      main: html`${head}${alert('info', s.signedIn(ctx.principal.displayName), html`<p><a href="${state.returnTo}">${s.continue}</a></p>`)}
<form method="post" action="/auth/logout">${csrfInput(ctx)}${button(ctx.t.signOut, { variant: 'secondary' })}</form>`,
    };
  const oidc = ctx.oidc
    ? html`<section class="section" aria-labelledby="oidc"><h2 class="kern-heading-medium" id="oidc">${s.oidcTitle}</h2>
<p>${buttonLink(`/auth/oidc/start?returnTo=${encodeURIComponent(state.returnTo)}`, s.oidc)}</p></section>`
    : '';
  return {
    title,
    errors: state.errors.length,
    ...(status ? { status } : {}),
    main: html`${head}
<p class="lead">${s.intro}</p>
${errorSummary(ctx, state.errors)}
<form class="form-stack" method="post" action="/auth/login" novalidate>
<input type="hidden" name="returnTo" value="${state.returnTo}">
${textField(ctx, { name: 'login', label: s.login, value: state.login, errors: state.errors, required: true, autocomplete: 'username', maxLength: 128 })}
${textField(ctx, { name: 'password', label: s.password, type: 'password', errors: state.errors, required: true, autocomplete: 'current-password', maxLength: 1024 })}
<div>${button(s.submit)}</div>
</form>
${oidc}
<p class="section">${s.cookie} <a href="${ctx.href('privacy')}">${s.privacy}</a>.</p>`,
  };
}

export async function signInPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  return signInContent(ctx, { returnTo: returnToOf(c.req.query('returnTo'), ctx), login: '', errors: [] });
}

/**
 * The sign-in page again after `POST /auth/login` refused a browser's form: in the language of the page the form
 * was sent from (its `returnTo`), with the reason at the field it concerns.
 */
export async function signInFailed(c: Context<AppEnv>, problem: HttpProblem): Promise<Response> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const given = typeof body.returnTo === 'string' && returnToPattern.test(body.returnTo) ? body.returnTo : undefined;
  const lang = langOfPath(given ?? '/de/');
  const ctx = await pageContext(c, lang, { id: 'signIn', params: {} });
  const e = text[lang].errors;
  const errors: FieldError[] = [];
  if (problem.status === 401) errors.push({ field: 'login', message: e.refused });
  else if (problem.status === 429) errors.push({ field: 'login', message: e.limited });
  else {
    const pointers = new Set((problem.errors ?? []).map((x) => x.pointer));
    if (pointers.has('/login')) errors.push({ field: 'login', message: e.login });
    if (pointers.has('/password')) errors.push({ field: 'password', message: e.password });
    if (errors.length === 0) errors.push({ field: 'login', message: e.refused });
  }
  const login = typeof body.login === 'string' ? body.login.slice(0, 128) : '';
  return renderPage(
    c,
    ctx,
    signInContent(ctx, { returnTo: given ?? pathOf('start', lang), login, errors }, problem.status),
  );
}
