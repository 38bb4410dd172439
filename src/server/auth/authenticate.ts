import type { Context, MiddlewareHandler } from 'hono';
import {
  isAdmin,
  isMember,
  isReviewer,
  type Principal,
  sessionPrincipal,
  tokenPrincipal,
} from '../../catalogue/index.ts';
import { HttpProblem } from '../problem.ts';
import type { AppEnv } from '../router.ts';
import { refuseCrossSite, requireCsrfToken } from './csrf.ts';
import { sessionCookie, sessionLifetime } from './session-cookie.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The login form may be posted by a browser that still holds a session: it starts a new one, so needs no token. */
const loginPath = '/auth/login';

function unauthorized(c: Context<AppEnv>, detail: string, invalidToken = false): HttpProblem {
  c.header('www-authenticate', invalidToken ? 'Bearer realm="sgci", error="invalid_token"' : 'Bearer realm="sgci"');
  return new HttpProblem(401, 'unauthorized', detail);
}

/**
 * Sets `c.var.principal` from `Authorization: Bearer <API token>` or the session cookie. A Bearer token that does not
 * work is a 401 at once (never a silent fall-back to the cookie). Unsafe requests without a token must not come
 * from another site, and those a session authenticates must carry the session's CSRF token; Bearer requests are
 * exempt, a browser never adds that header on its own.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { catalogue } = c.var.deps;
    const unsafe = !safeMethods.has(c.req.method);
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const token = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
      if (!token) throw unauthorized(c, 'expected Authorization: Bearer <API token>', true);
      const principal = await tokenPrincipal(catalogue, token);
      if (!principal) throw unauthorized(c, 'API token invalid, expired or revoked, or its user disabled', true);
      c.set('principal', principal);
      return next();
    }
    if (unsafe) refuseCrossSite(c);
    const cookie = sessionCookie(c);
    const session = cookie ? await sessionPrincipal(catalogue, cookie, sessionLifetime(c)) : undefined;
    if (session && c.req.path !== loginPath) {
      if (unsafe) await requireCsrfToken(c, session.idHash);
      c.set('principal', session.principal);
    }
    await next();
  };
}

/** The authenticated principal, or a 401. */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.var.principal;
  if (!principal) throw unauthorized(c, 'sign in or send an API token');
  return principal;
}

/** Route middleware: only signed-in users (any role) pass. */
export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    principalOf(c);
    await next();
  };
}

/** Route middleware: reviewers (and admins, who may do what reviewers do) or admins only; 401 anonymous, 403 others. */
export function requireRole(role: 'reviewer' | 'admin'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = principalOf(c);
    if (!(role === 'admin' ? isAdmin(principal) : isReviewer(principal)))
      throw new HttpProblem(403, 'forbidden', `only ${role === 'admin' ? 'admins' : 'reviewers'} may do this`);
    await next();
  };
}

/** Route middleware for `/organisations/{slug}/…`: admins and members of that organisation only. */
export function requireOrganisationAccess(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = principalOf(c);
    const slug = c.req.param('slug') ?? '';
    if (!isAdmin(principal) && !isMember(principal, slug))
      throw new HttpProblem(403, 'forbidden', `only admins and members of ${slug} may do this`);
    await next();
  };
}
