import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { type Catalogue, serverSecret, sha256Hex } from '../../catalogue/index.ts';
import { HttpProblem } from '../problem.ts';
import type { AppEnv } from '../router.ts';
import { sessionCookie } from './session-cookie.ts';

export const csrfHeader = 'x-csrf-token';
export const csrfField = '_csrf';

/** The secret is the same on every instance (it lives in the database) and never changes: read once per catalogue. */
const secrets = new WeakMap<Catalogue, Promise<Buffer>>();

function csrfSecret(catalogue: Catalogue): Promise<Buffer> {
  let secret = secrets.get(catalogue);
  if (!secret) {
    secret = serverSecret(catalogue.db, 'csrf', catalogue.now());
    secret.catch(() => secrets.delete(catalogue));
    secrets.set(catalogue, secret);
  }
  return secret;
}

/**
 * The synchronizer token of a session: an HMAC of the session's stored id under the server's secret. It stays the
 * same for the session's life, needs no row of its own, and tells nothing about the cookie it belongs to.
 */
export async function csrfTokenOfSession(catalogue: Catalogue, sessionIdHash: string): Promise<string> {
  const secret = await csrfSecret(catalogue);
  return createHmac('sha256', secret).update(`sgci csrf\n${sessionIdHash}`).digest('base64url');
}

/**
 * The CSRF token a page puts into its forms (`<input type="hidden" name="_csrf">`) or a script sends as
 * `X-CSRF-Token`; undefined when the request has no session.
 */
export async function csrfToken(c: Context<AppEnv>): Promise<string | undefined> {
  const cookie = sessionCookie(c);
  if (!cookie || c.var.principal?.via.kind !== 'session') return undefined;
  return csrfTokenOfSession(c.var.deps.catalogue, sha256Hex(cookie));
}

/** The origin this site is reached at: the configured public URL, else the request's own. */
function ownOrigin(c: Context<AppEnv>): string {
  const publicUrl = c.var.deps.config.publicUrl;
  return new URL(publicUrl ?? c.req.url).origin;
}

/**
 * Refuses an unsafe request another site made the browser send: a foreign (or opaque `null`) Origin, or, from
 * browsers that send no Origin, `Sec-Fetch-Site: cross-site`. Clients that send neither (curl, CI) pass: they carry
 * no ambient cookie of a victim.
 */
export function refuseCrossSite(c: Context<AppEnv>): void {
  const origin = c.req.header('origin');
  if (origin !== undefined) {
    if (origin !== ownOrigin(c))
      throw new HttpProblem(403, 'cross-site-request', `request from origin ${origin.slice(0, 200)} refused`);
    return;
  }
  if (c.req.header('sec-fetch-site') === 'cross-site')
    throw new HttpProblem(403, 'cross-site-request', 'cross-site request refused');
}

function isForm(c: Context<AppEnv>): boolean {
  const type = c.req.header('content-type')?.toLowerCase() ?? '';
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

/** Requires the session's CSRF token in `X-CSRF-Token` or, for a form, in its `_csrf` field. */
export async function requireCsrfToken(c: Context<AppEnv>, sessionIdHash: string): Promise<void> {
  let given = c.req.header(csrfHeader);
  if (given === undefined && isForm(c)) {
    // parseBody caches the parsed form: the route's validator reads the same one
    const field = (await c.req.parseBody())[csrfField];
    if (typeof field === 'string') given = field;
  }
  const expected = Buffer.from(await csrfTokenOfSession(c.var.deps.catalogue, sessionIdHash));
  const actual = Buffer.from(given ?? '');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new HttpProblem(
      403,
      'csrf-token-invalid',
      `missing or wrong CSRF token: send it as ${csrfHeader} or the form field ${csrfField}`,
    );
}
