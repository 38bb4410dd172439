import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { SessionLifetime } from '../../catalogue/index.ts';
import type { AppEnv } from '../router.ts';

export const sessionCookieName = 'sgci_session';
/** 32 bytes in base64url; anything else is not looked up. */
const cookiePattern = /^[A-Za-z0-9_-]{43}$/;

/** The session cookie this request carries, if it is well-formed. */
export function sessionCookie(c: Context<AppEnv>): string | undefined {
  const value = getCookie(c, sessionCookieName);
  return value && cookiePattern.test(value) ? value : undefined;
}

/**
 * A session cookie in the strict sense: no Max-Age or Expires (it dies with the browser; the server ends it
 * earlier), HttpOnly (no script reads it), SameSite=Strict (no other site's request carries it), Secure behind TLS.
 */
export function setSessionCookie(c: Context<AppEnv>, value: string): void {
  setCookie(c, sessionCookieName, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'Strict',
    secure: c.var.deps.config.tls,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, sessionCookieName, { path: '/', httpOnly: true, sameSite: 'Strict', secure: c.var.deps.config.tls });
}

export function sessionLifetime(c: Context<AppEnv>): SessionLifetime {
  const { sessionIdleMinutes, sessionMaxHours } = c.var.deps.config.auth;
  return { idleMs: sessionIdleMinutes * 60_000, maxMs: sessionMaxHours * 3_600_000 };
}
