import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { etag } from 'hono/etag';
import { bytesResponse } from './response-cache.ts';
import type { AppEnv } from './router.ts';

/**
 * Conditional GETs of the catalogue's reads: a request whose If-None-Match names the response's ETag is answered
 * 304 with the same ETag, Cache-Control and Vary and no body. The handlers set the ETag (`respond`, or the export's
 * own validator); a response without one gets the SHA-256 of its body.
 */
export function conditionalGet(): MiddlewareHandler<AppEnv> {
  return etag({ generateDigest: (body) => crypto.subtle.digest('SHA-256', body) });
}

/** A strong ETag from a hex digest the handler computed. */
export function etagOf(hex: string): string {
  return `"${hex}"`;
}

/**
 * Who may keep a response: `public` — the same for every reader, shared caches may keep it for a minute and
 * revalidate by ETag; `private` — it shows what only this principal may see (an organisation's unpublished
 * versions), kept by the reader's own cache only and revalidated every time. Either way it varies by the
 * credentials, so a shared cache never hands a member's answer to the public.
 */
export function cacheFor(c: Context<AppEnv>, scope: 'public' | 'private'): void {
  c.header('cache-control', scope === 'public' ? 'public, max-age=60, must-revalidate' : 'private, no-cache');
  c.header('vary', 'Authorization, Cookie');
}

/**
 * A whole body with its strong ETag, the SHA-256 (hex) of its bytes: for the canonical vulnerability and check
 * reports the same digest a verdict's input attestations name.
 */
export function respond(
  c: Context<AppEnv>,
  body: string,
  mediaType: string,
  scope: 'public' | 'private',
  headers: Record<string, string> = {},
): Response {
  cacheFor(c, scope);
  const bytes = Buffer.from(body);
  const hex = createHash('sha256').update(bytes).digest('hex');
  return bytesResponse(c, bytes, 200, { ...headers, 'content-type': mediaType, etag: etagOf(hex) });
}
