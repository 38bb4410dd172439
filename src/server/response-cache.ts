import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { catalogueChanges } from '../catalogue/index.ts';
import { ByteBoundedLru } from './byte-lru.ts';
import type { AppEnv } from './router.ts';

/** How much of the public API's responses one process keeps. */
export interface ResponseCacheBounds {
  /** All entries together, bytes of body. */
  readonly maxBytes: number;
  /** A larger body is served, not kept. */
  readonly maxEntryBytes: number;
  /**
   * The longest an entry is served, by the catalogue's clock: what changes with time alone and no write (a verdict
   * running out, a maintainer's last sign-in passing the orphan period) shows at most this late.
   */
  readonly ttlMs: number;
}

export const defaultResponseCacheBounds: ResponseCacheBounds = {
  maxBytes: 32 * 1024 * 1024,
  maxEntryBytes: 1024 * 1024,
  ttlMs: 10_000,
};

interface Entry {
  /** The catalogue's change count the response was computed at (db/changes.ts). */
  readonly generation: number;
  /** When its computation started, catalogue-clock milliseconds. */
  readonly storedAt: number;
  readonly body: Uint8Array<ArrayBuffer>;
  /** The handler's headers: content type, ETag (computed once, with the body), Cache-Control, Vary. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Whole responses by URL, least recently used first out once the bytes exceed the bound. An entry is served only at
 * the generation it was computed at and within the TTL; anything else is dropped when met.
 */
export class ResponseCache {
  readonly #ttlMs: number;
  readonly #entries: ByteBoundedLru<Entry>;

  constructor(bounds: ResponseCacheBounds = defaultResponseCacheBounds) {
    this.#ttlMs = bounds.ttlMs;
    this.#entries = new ByteBoundedLru(bounds.maxBytes, bounds.maxEntryBytes);
  }

  get bytes(): number {
    return this.#entries.bytes;
  }

  get(key: string, generation: number, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.generation !== generation || now - entry.storedAt >= this.#ttlMs || now < entry.storedAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, entry: Entry): void {
    this.#entries.set(key, entry, entry.body.byteLength);
  }
}

/** The path and query of a request URL, as sent: the key. */
function pathAndQuery(url: string): string {
  return url.slice(url.indexOf('/', url.indexOf('//') + 2));
}

/**
 * Whether the client asks for a response computed now (`Cache-Control: no-cache` or `max-age=0`, as a browser's
 * reload sends): it gets one, and the cache keeps it.
 */
function revalidates(cacheControl: string | undefined): boolean {
  if (cacheControl === undefined) return false;
  return cacheControl
    .toLowerCase()
    .split(',')
    .some((directive) => ['no-cache', 'max-age=0'].includes(directive.trim()));
}

/** How a route's responses are kept: by default the API's, whose handlers mark what is `public`. */
export interface ResponseCacheOptions {
  /**
   * What besides the path and query the response depends on, as part of the key: the pages' encoding (gzip or
   * identity, chosen by Accept-Encoding).
   */
  readonly variant?: (c: Context<AppEnv>) => string;
  /** Whether an anonymous 200 may be kept; default: the handler marked it `Cache-Control: public`. */
  readonly keeps?: (response: Response) => boolean;
}

/** The bytes a handler answered with, by its response: kept by the cache without reading the response's body. */
const bodies = new WeakMap<Response, Uint8Array<ArrayBuffer>>();

/**
 * `c.body(bytes, status, headers)`, the bytes known to the response cache: a response it keeps is then neither read
 * through its stream nor rebuilt.
 */
export function bytesResponse(
  c: Context<AppEnv>,
  body: Uint8Array<ArrayBuffer>,
  status: ContentfulStatusCode,
  headers: Record<string, string>,
): Response {
  const response = c.body(body, status, headers);
  bodies.set(response, body);
  return response;
}

const keepsPublic = (response: Response) => response.headers.get('cache-control')?.startsWith('public') === true;

/**
 * Route middleware: anonymous GETs are answered from `cache` while nothing the public API reads has changed since
 * (every instance hears every change through the database, db/changes.ts) and the entry is younger than the TTL;
 * otherwise the handler runs and a 200 it marks `public` (or that `options.keeps` admits) is kept. Signed-in
 * requests pass untouched: what they see may depend on who they are; a response that sets a cookie is never kept.
 * `x-cache` says `hit` or `miss` on every request the cache considered.
 */
export function publicResponseCache(
  cache: ResponseCache,
  options: ResponseCacheOptions = {},
): MiddlewareHandler<AppEnv> {
  const keeps = options.keeps ?? keepsPublic;
  return async (c, next) => {
    if (c.req.method !== 'GET' || c.var.principal !== undefined) return next();
    const { catalogue } = c.var.deps;
    // before the clock is read and before the handler reads anything: a change committed before this request
    // arrived is counted, the entry computed before it is not served
    const generation = await catalogueChanges(catalogue).current();
    if (generation === undefined) return next();
    const key = options.variant ? `${options.variant(c)} ${pathAndQuery(c.req.url)}` : pathAndQuery(c.req.url);
    const started = catalogue.now().getTime();
    const hit = revalidates(c.req.header('cache-control')) ? undefined : cache.get(key, generation, started);
    if (hit) return c.body(hit.body, 200, { ...hit.headers, 'x-cache': 'hit' });
    await next();
    const response = c.res;
    if (response.status !== 200 || response.headers.has('set-cookie') || !keeps(response)) {
      response.headers.set('x-cache', 'miss');
      return;
    }
    const headers = Object.fromEntries(response.headers);
    const given = bodies.get(response);
    const body = given ?? new Uint8Array(await response.arrayBuffer());
    cache.set(key, { generation, storedAt: started, body, headers });
    if (given) {
      response.headers.set('x-cache', 'miss');
      return;
    }
    // the body was read: the kept bytes answer this request, not a clone read again by the server; cleared first,
    // or hono would rebuild the new response around the old one's (read) body
    c.res = undefined;
    c.res = new Response(body, { status: 200, headers: { ...headers, 'x-cache': 'miss' } });
  };
}
