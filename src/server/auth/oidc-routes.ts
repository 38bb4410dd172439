import { readFileSync } from 'node:fs';
import { createRoute, z } from '@hono/zod-openapi';
import { getCookie, setCookie } from 'hono/cookie';
import * as oidc from 'openid-client';
import {
  endSession,
  randomSecret,
  saveOidcLogin,
  signInOidcUser,
  startSession,
  takeOidcLogin,
} from '../../catalogue/index.ts';
import { describe, SgciError } from '../../core/index.ts';
import type { OidcSettings } from '../config.ts';
import { HttpProblem } from '../problem.ts';
import { type App, router } from '../router.ts';
import { identityFromClaims } from './oidc-claims.ts';
import { problems, ReturnTo } from './schemas.ts';
import { sessionCookie, sessionLifetime, setSessionCookie } from './session-cookie.ts';

/** Ties a login to the browser that started it. Lax, unlike the session: it must come back on the issuer's redirect. */
const bindingCookie = 'sgci_oidc';
const cookiePath = '/auth/oidc';

const start = createRoute({
  method: 'get',
  path: '/auth/oidc/start',
  summary: 'Sign in at the configured OpenID Connect issuer (authorization code + PKCE)',
  request: { query: z.object({ returnTo: ReturnTo.optional() }) },
  responses: { 302: { description: 'to the issuer' }, ...problems(400, 404, 502) },
});

const callback = createRoute({
  method: 'get',
  path: '/auth/oidc/callback',
  summary: 'Where the issuer sends the browser back: the code is exchanged, the ID token verified, a session started',
  request: {
    query: z.object({
      state: z.string().min(1).max(512),
      code: z.string().max(4096).optional(),
      error: z.string().max(256).optional(),
      iss: z.string().max(2048).optional(),
    }),
  },
  responses: {
    200: {
      description: 'signed in: a page that moves on to returnTo',
      content: { 'text/html': { schema: z.string() } },
    },
    ...problems(400, 401, 403, 404, 502),
  },
});

/** The issuer's metadata and keys over TLS, trusting `caFile` for a private CA; ID token signatures checked. */
function discover(settings: OidcSettings): Promise<oidc.Configuration> {
  const options: oidc.DiscoveryRequestOptions = { execute: [oidc.enableNonRepudiationChecks], timeout: 15 };
  let agent: import('undici').Agent | undefined;
  if (settings.caFile) {
    let ca: Buffer;
    try {
      ca = readFileSync(settings.caFile);
    } catch (error) {
      throw new SgciError('CONFIG_INVALID', settings.caFile, `cannot read oidc.caFile: ${describe(error)}`);
    }
    options[oidc.customFetch] = async (url, init) => {
      const { Agent, fetch } = await import('undici');
      agent ??= new Agent({ connect: { ca } });
      return (await fetch(url, { ...(init as object), dispatcher: agent })) as unknown as Response;
    };
  }
  const auth = settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret.reveal()) : oidc.None();
  return oidc.discovery(new URL(settings.issuer), settings.clientId, undefined, auth, options);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * `/auth/oidc/start` and `/auth/oidc/callback`. What is in flight between them lives in the database (any instance
 * may answer the callback): state and nonce single-use, the PKCE verifier never leaves the server. The issuer's
 * metadata is fetched on first use and kept for the life of the process; a failed fetch is tried again next time.
 */
export function oidcRoutes(): App {
  const app = router();
  let configuration: Promise<oidc.Configuration> | undefined;

  function settingsOf(config: { oidc: OidcSettings | undefined }): OidcSettings {
    if (!config.oidc) throw new HttpProblem(404, 'oidc-not-configured', 'sign-in by OpenID Connect is not configured');
    return config.oidc;
  }

  async function issuer(settings: OidcSettings): Promise<oidc.Configuration> {
    configuration ??= discover(settings);
    try {
      return await configuration;
    } catch (error) {
      configuration = undefined;
      throw new HttpProblem(
        502,
        'oidc-issuer-unavailable',
        `issuer ${settings.issuer} unavailable: ${describe(error)}`,
      );
    }
  }

  app.openapi(start, async (c) => {
    const settings = settingsOf(c.var.deps.config);
    const config = await issuer(settings);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const browser = randomSecret();
    await saveOidcLogin(c.var.deps.catalogue, {
      state,
      browser,
      nonce,
      codeVerifier,
      returnTo: c.req.valid('query').returnTo ?? '/',
    });
    setCookie(c, bindingCookie, browser, {
      path: cookiePath,
      httpOnly: true,
      sameSite: 'Lax',
      secure: c.var.deps.config.tls,
      maxAge: 600,
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: settings.redirectUri,
      scope: settings.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return c.redirect(url.toString(), 302);
  });

  app.openapi(callback, async (c) => {
    const { catalogue, config: serverConfig, logger } = c.var.deps;
    const settings = settingsOf(serverConfig);
    const query = c.req.valid('query');
    const pending = await takeOidcLogin(catalogue, query.state, getCookie(c, bindingCookie));
    setCookie(c, bindingCookie, '', { path: cookiePath, httpOnly: true, sameSite: 'Lax', maxAge: 0 });
    if (!pending)
      throw new HttpProblem(
        400,
        'oidc-state-invalid',
        'this sign-in is unknown, expired, used or from another browser',
      );
    if (query.error) throw new HttpProblem(401, 'oidc-refused', `the issuer refused the sign-in: ${query.error}`);
    const config = await issuer(settings);
    // the URL the issuer redirected to, as registered there: the Host header behind a proxy may differ
    const current = new URL(settings.redirectUri);
    current.search = new URL(c.req.url).search;
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('no ID token');
      claims = { ...idClaims };
      if (config.serverMetadata().userinfo_endpoint) {
        // issuers that follow the spec closely put profile and group claims only into userinfo
        const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...userinfo, ...idClaims };
      }
    } catch (error) {
      logger.warn({ requestId: c.var.requestId, err: describe(error) }, 'oidc sign-in failed');
      throw new HttpProblem(401, 'oidc-failed', 'the sign-in at the issuer could not be verified');
    }
    const userId = await signInOidcUser(
      catalogue,
      identityFromClaims(settings, config.serverMetadata().issuer, claims),
    );
    if (!userId) throw new HttpProblem(403, 'account-disabled', 'this account is disabled');
    const previous = sessionCookie(c);
    if (previous) await endSession(catalogue, previous);
    const session = await startSession(catalogue, userId, 'oidc', sessionLifetime(c));
    setSessionCookie(c, session.cookie);
    // a page, not a redirect: a redirect chain the issuer started counts as cross-site, and the browser would not
    // send the SameSite=Strict cookie just set; a refresh from this page is same-site
    const to = escapeHtml(pending.returnTo);
    return c.html(
      `<!doctype html><html lang="de"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${to}">` +
        `<title>Angemeldet</title></head><body><p><a href="${to}">Weiter / Continue</a></p></body></html>`,
      200,
    );
  });

  return app;
}
