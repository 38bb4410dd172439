import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { describe, SgciError } from '../../core/index.ts';

export interface FetchOptions {
  readonly etag?: string;
  readonly lastModified?: string;
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

export type FetchResult =
  | { readonly status: 'not-modified' }
  | { readonly status: 'ok'; readonly bytes: Uint8Array; readonly etag?: string; readonly lastModified?: string };

export type FetchFileResult =
  | { readonly status: 'not-modified' }
  | { readonly status: 'ok'; readonly bytes: number; readonly etag?: string; readonly lastModified?: string };

const maxRedirects = 5;

interface Response {
  readonly body: AsyncIterable<Buffer> & { destroy(): void };
  readonly etag?: string;
  readonly lastModified?: string;
}

/**
 * GET with conditional headers and a size bound. Redirects are followed only to https (or to the same origin),
 * never from https down to http. The body of a 200 is returned unread.
 */
async function get(url: string, options: FetchOptions): Promise<Response | 'not-modified'> {
  // loaded here, not with the module: only imports fetch, and undici costs lookups a tenth of a second to load
  const { request } = await import('undici');
  let current = new URL(url);
  if (current.protocol !== 'https:' && current.protocol !== 'http:')
    throw new SgciError('USAGE', url, 'only http(s) URLs can be imported');
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'sgci', accept: '*/*' };
    if (options.etag) headers['if-none-match'] = options.etag;
    if (options.lastModified) headers['if-modified-since'] = options.lastModified;
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(current, {
        method: 'GET',
        headers,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
    } catch (error) {
      throw new SgciError('REGISTRY_UNREACHABLE', url, `cannot fetch advisories: ${describe(error)}`, { cause: error });
    }
    const header = (name: string) => {
      const v = response.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    if (response.statusCode === 304) {
      await response.body.dump();
      return 'not-modified';
    }
    if (response.statusCode >= 300 && response.statusCode < 400) {
      await response.body.dump();
      const location = header('location');
      if (!location) throw new SgciError('REGISTRY_ERROR', url, `redirect ${response.statusCode} without Location`);
      const next = new URL(location, current);
      if (next.protocol !== 'https:' && !(next.origin === current.origin))
        throw new SgciError('REGISTRY_ERROR', url, `refusing redirect to ${next.origin}`);
      current = next;
      continue;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new SgciError('REGISTRY_ERROR', url, `HTTP ${response.statusCode}`);
    }
    const declared = Number(header('content-length') ?? Number.NaN);
    if (declared > options.maxBytes) {
      await response.body.dump();
      throw new SgciError('LIMIT_EXCEEDED', url, `response of ${declared} bytes exceeds ${options.maxBytes}`);
    }
    const etag = header('etag');
    const lastModified = header('last-modified');
    return {
      body: response.body as Response['body'],
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    };
  }
  throw new SgciError('REGISTRY_ERROR', url, `more than ${maxRedirects} redirects`);
}

/** The body, failing with LIMIT_EXCEEDED as soon as it grows past the bound (whatever Content-Length said). */
async function* bounded(url: string, response: Response, maxBytes: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > maxBytes) {
      response.body.destroy();
      throw new SgciError('LIMIT_EXCEEDED', url, `response exceeds ${maxBytes} bytes`);
    }
    yield chunk;
  }
}

/** A whole response in memory (an OSV archive): not-modified on 304 to the conditional headers. */
export async function fetchAdvisoryBytes(url: string, options: FetchOptions): Promise<FetchResult> {
  const response = await get(url, options);
  if (response === 'not-modified') return { status: 'not-modified' };
  const chunks: Buffer[] = [];
  for await (const chunk of bounded(url, response, options.maxBytes)) chunks.push(chunk);
  const { etag, lastModified } = response;
  return {
    status: 'ok',
    bytes: Buffer.concat(chunks),
    ...(etag ? { etag } : {}),
    ...(lastModified ? { lastModified } : {}),
  };
}

/** A response streamed to `path` (a prebuilt index: too large to hold in memory), not-modified on 304. */
export async function fetchAdvisoryFile(url: string, path: string, options: FetchOptions): Promise<FetchFileResult> {
  const response = await get(url, options);
  if (response === 'not-modified') return { status: 'not-modified' };
  let bytes = 0;
  try {
    await pipeline(
      bounded(url, response, options.maxBytes),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(path, { mode: 0o600 }),
    );
  } catch (error) {
    if (error instanceof SgciError) throw error;
    throw new SgciError('IO_ERROR', url, `cannot download to ${path}: ${describe(error)}`, { cause: error });
  }
  const { etag, lastModified } = response;
  return { status: 'ok', bytes, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}
