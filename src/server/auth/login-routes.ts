import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  actorOf,
  createApiToken,
  endSession,
  listApiTokens,
  loadPrincipal,
  passwordLogin,
  revokeApiToken,
  startSession,
} from '../../catalogue/index.ts';
import { HttpProblem } from '../problem.ts';
import { type App, type AppEnv, router } from '../router.ts';
import { principalOf, requireAuth } from './authenticate.ts';
import { clientAddress } from './client-address.ts';
import { csrfToken, csrfTokenOfSession } from './csrf.ts';
import { Me, meOf, problems, ReturnTo, security, Timestamp } from './schemas.ts';
import { clearSessionCookie, sessionCookie, sessionLifetime, setSessionCookie } from './session-cookie.ts';

const LoginBody = z
  .object({
    login: z.string().min(1).max(128),
    password: z.string().min(1).max(1024),
    returnTo: ReturnTo.optional(),
  })
  .openapi('Login');

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  summary: 'Sign in with login and password: starts a session (cookie sgci_session)',
  request: {
    body: {
      content: {
        'application/json': { schema: LoginBody },
        'application/x-www-form-urlencoded': { schema: LoginBody },
      },
    },
  },
  responses: {
    200: { description: 'signed in (JSON)', content: { 'application/json': { schema: Me } } },
    303: { description: 'signed in (form): to returnTo' },
    ...problems(401, 403, 415, 422, 429),
  },
});

const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  summary: 'End the session (needs the CSRF token)',
  responses: { 204: { description: 'signed out' }, 303: { description: 'signed out (form): to /' }, ...problems(403) },
});

const me = createRoute({
  method: 'get',
  path: '/api/v1/me',
  summary: 'Who is signed in (and the session’s CSRF token)',
  security,
  middleware: [requireAuth()],
  responses: {
    200: { description: 'the principal', content: { 'application/json': { schema: Me } } },
    ...problems(401),
  },
});

const TokenInfo = z
  .object({
    prefix: z.string(),
    label: z.string(),
    createdAt: Timestamp,
    expiresAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
    lastUsedAt: Timestamp.nullable(),
  })
  .openapi('ApiToken');

const listTokens = createRoute({
  method: 'get',
  path: '/api/v1/me/tokens',
  summary: 'My API tokens (prefixes, never the secrets)',
  security,
  middleware: [requireAuth()],
  responses: {
    200: {
      description: 'tokens',
      content: { 'application/json': { schema: z.object({ items: z.array(TokenInfo) }) } },
    },
    ...problems(401),
  },
});

const createToken = createRoute({
  method: 'post',
  path: '/api/v1/me/tokens',
  summary: 'Create an API token acting as me; the token is in this response only',
  security,
  middleware: [requireAuth()],
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            label: z.string().min(1).max(200),
            expiresInDays: z.number().int().min(1).max(3650).optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'created',
      content: { 'application/json': { schema: TokenInfo.extend({ token: z.string() }) } },
    },
    ...problems(401, 403, 422),
  },
});

const revokeToken = createRoute({
  method: 'delete',
  path: '/api/v1/me/tokens/{prefix}',
  summary: 'Revoke one of my API tokens',
  security,
  middleware: [requireAuth()],
  request: { params: z.object({ prefix: z.string().regex(/^sgci_[a-z2-7]{8}$/) }) },
  responses: { 204: { description: 'revoked' }, ...problems(401, 404) },
});

function isFormRequest(c: Context<AppEnv>): boolean {
  const type = c.req.header('content-type')?.toLowerCase() ?? '';
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

function tokenJson(t: Awaited<ReturnType<typeof listApiTokens>>[number]) {
  return {
    prefix: t.prefix,
    label: t.label,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}

/** Password sign-in, sign-out, who am I, and my API tokens. */
export function loginRoutes(): App {
  const app = router();

  app.openapi(login, async (c) => {
    if (!c.req.header('content-type'))
      throw new HttpProblem(415, 'unsupported-media-type', 'send JSON or a form (application/x-www-form-urlencoded)');
    const form = isFormRequest(c);
    const body = form ? c.req.valid('form') : c.req.valid('json');
    const { catalogue } = c.var.deps;
    const result = await passwordLogin(catalogue, {
      login: body.login,
      password: body.password,
      address: clientAddress(c),
    });
    if (result.kind === 'limited') {
      c.header('retry-after', String(result.retryAfterSeconds));
      throw new HttpProblem(429, 'too-many-login-attempts', 'too many failed sign-ins: wait and try again');
    }
    if (result.kind === 'refused') throw new HttpProblem(401, 'login-failed', 'login or password wrong');
    // the browser's previous session ends: a fixed session id from before the login is worth nothing after it
    const previous = sessionCookie(c);
    if (previous) await endSession(catalogue, previous);
    const session = await startSession(catalogue, result.userId, 'password', sessionLifetime(c));
    setSessionCookie(c, session.cookie);
    if (form) return c.redirect(body.returnTo ?? '/', 303);
    const principal = await loadPrincipal(catalogue.db, result.userId, { kind: 'session' });
    if (!principal) throw new HttpProblem(401, 'login-failed', 'login or password wrong');
    return c.json(meOf(principal, await csrfTokenOfSession(catalogue, session.idHash)), 200);
  });

  app.openapi(logout, async (c) => {
    const cookie = sessionCookie(c);
    if (cookie) await endSession(c.var.deps.catalogue, cookie);
    clearSessionCookie(c);
    if (isFormRequest(c)) return c.redirect('/', 303);
    return c.body(null, 204);
  });

  app.openapi(me, async (c) => c.json(meOf(principalOf(c), await csrfToken(c)), 200));

  app.openapi(listTokens, async (c) => {
    const tokens = await listApiTokens(c.var.deps.catalogue.db, principalOf(c).userId);
    return c.json({ items: tokens.map(tokenJson) }, 200);
  });

  app.openapi(createToken, async (c) => {
    const principal = principalOf(c);
    // a token minting tokens would outlive its own expiry and revocation
    if (principal.via.kind === 'token')
      throw new HttpProblem(403, 'forbidden', 'API tokens cannot create API tokens: sign in');
    const body = c.req.valid('json');
    const created = await createApiToken(c.var.deps.catalogue, actorOf(principal), {
      login: principal.login,
      label: body.label,
      ...(body.expiresInDays ? { expiresInDays: body.expiresInDays } : {}),
    });
    return c.json({ ...tokenJson(created), token: created.token }, 201);
  });

  app.openapi(revokeToken, async (c) => {
    const principal = principalOf(c);
    await revokeApiToken(c.var.deps.catalogue, actorOf(principal), c.req.valid('param').prefix, principal.userId);
    return c.body(null, 204);
  });

  return app;
}
