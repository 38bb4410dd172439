/**
 * A new API token on its way from the form that created it to the page that shows it once (post/redirect/get): a
 * short-lived cookie for that one page, the token sealed (AES-256-GCM) under a key derived from the session cookie,
 * so only the same session opens it. The page that shows it deletes the cookie: a reload shows nothing. Whatever
 * instance answers the redirect can open it; nothing is stored on the server.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../../router.ts';

const cookieName = 'sgci_new_token';
/** Long enough for the redirect, short enough that a token not picked up does not linger. */
const maxAgeSeconds = 120;

function keyOf(session: string): Buffer {
  return createHash('sha256').update(`sgci new token\n${session}`).digest();
}

function cookieOptions(c: Context<AppEnv>, path: string) {
  return { path, httpOnly: true, sameSite: 'Strict' as const, secure: c.var.deps.config.tls };
}

/** Hands `token` to the page at `path` (the redirect's target), for the session `session`. */
export function passToken(c: Context<AppEnv>, session: string, path: string, token: string): void {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(session), iv);
  const sealed = Buffer.concat([iv, cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  setCookie(c, cookieName, sealed.toString('base64url'), { ...cookieOptions(c, path), maxAge: maxAgeSeconds });
}

/** The token handed to this page, if any, for this session; the cookie is deleted either way. */
export function takeToken(c: Context<AppEnv>, session: string, path: string): string | undefined {
  const value = getCookie(c, cookieName);
  if (value === undefined) return undefined;
  deleteCookie(c, cookieName, cookieOptions(c, path));
  const sealed = Buffer.from(value, 'base64url');
  if (sealed.length < 12 + 16 + 1) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(session), sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    // sealed for another session, or altered: there is nothing to show
    return undefined;
  }
}
