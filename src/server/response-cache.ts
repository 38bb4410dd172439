import type { Context, MiddlewareHandler } from 'hono';
import { catalogueChanges } from '../catalogue/index.ts';
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
  readonly #bounds: ResponseCacheBounds;
  /** Map order is use order: the first key is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(bounds: ResponseCacheBounds = defaultResponseCacheBounds) {
    this.#bounds = bounds;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: string, generation: number, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#delete(key, entry);
    if (entry.generation !== generation || now - entry.storedAt >= this.#bounds.ttlMs || now < entry.storedAt)
      return undefined;
    this.#entries.set(key, entry);
    this.#bytes += entry.body.byteLength;
    return entry;
  }

  set(key: string, entry: Entry): void {
    if (entry.body.byteLength > this.#bounds.maxEntryBytes) return;
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    this.#entries.set(key, entry);
    this.#bytes += entry.body.byteLength;
    for (const [oldest, e] of this.#entries) {
      if (this.#bytes <= this.#bounds.maxBytes) break;
      this.#delete(oldest, e);
    }
  }

  #delete(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.body.byteLength;
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
    if (response.status === 200 && !response.headers.has('set-cookie') && keeps(response)) {
      const headers = Object.fromEntries(response.headers);
      const body = new Uint8Array(await response.clone().arrayBuffer());
      cache.set(key, { generation, storedAt: started, body, headers });
    }
    response.headers.set('x-cache', 'miss');
  };
}
