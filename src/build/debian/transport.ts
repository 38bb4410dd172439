/**
 * Reads one file of a Debian repository, from an http(s) mirror or snapshot URL or from a `file:` directory,
 * with a bound on its size and on time. Nothing read here is trusted: the caller verifies every byte against
 * the InRelease signature or a digest from a signed index before using it.
 */
import { open } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dispatcher } from 'undici';
import { describe, SgciError } from '../../core/index.ts';

export interface TransportOptions {
  /** Bound on waiting for headers and on silence while a body streams. */
  readonly timeoutMs: number;
}

/**
 * The bytes of the file, or `undefined` when the repository does not have it (HTTP 404, ENOENT). `received` is
 * handed each piece of the file as it comes, in order, before the whole is returned: not yet verified.
 */
export type RepositoryRead = (
  path: string,
  maxBytes: number,
  received?: (piece: Uint8Array) => void,
) => Promise<Uint8Array | undefined>;

const maxRedirects = 5;

/**
 * A relative path inside a repository as a Release or Packages file names it: no `..`, no absolute path, no
 * empty segment, no backslash or control character. Anything else could leave the repository (a `file:`
 * directory) or the mirror's tree.
 */
export function checkRepositoryPath(path: string, input: string): string {
  const segments = path.split('/');
  const bad =
    path === '' ||
    path.length > 4096 ||
    /[\\\0-\x1f\x7f]/.test(path) ||
    segments.some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new SgciError('REPOSITORY_INVALID', input, `refusing the repository path ${JSON.stringify(path)}`);
  return path;
}

/** The reader for a source URL: `http://`, `https://` or `file:`. */
export function repositoryReader(url: string, options: TransportOptions): RepositoryRead {
  let base: URL;
  try {
    base = new URL(url.endsWith('/') ? url : `${url}/`);
  } catch (error) {
    throw new SgciError('USAGE', url, 'not a repository URL', { cause: error });
  }
  if (base.protocol === 'file:') return fileReader(fileURLToPath(base));
  if (base.protocol === 'http:' || base.protocol === 'https:') return httpReader(base, options);
  throw new SgciError('USAGE', url, 'a Debian source is an http(s) URL or a file: directory');
}

function fileReader(root: string): RepositoryRead {
  return async (path, maxBytes, received) => {
    const full = resolve(root, checkRepositoryPath(path, root));
    if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) {
      throw new SgciError('REPOSITORY_INVALID', full, 'path leaves the repository directory');
    }
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(full, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SgciError('IO_ERROR', full, `cannot read: ${describe(error)}`, { cause: error });
    }
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) throw new SgciError('LIMIT_EXCEEDED', full, `file of ${size} bytes exceeds ${maxBytes}`);
      const bytes = Buffer.allocUnsafe(size);
      let offset = 0;
      while (offset < size) {
        const { bytesRead } = await handle.read(bytes, offset, size - offset, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      const read = bytes.subarray(0, offset);
      received?.(read);
      return read;
    } finally {
      await handle.close();
    }
  };
}

function httpReader(base: URL, options: TransportOptions): RepositoryRead {
  // undici's parts are loaded on first use (a build from the cache never pays for them), and only those the
  // requests need: its index loads fetch, WebSocket and cookies besides, 0.08-0.16 s before the first request
  let agent: Promise<Dispatcher> | undefined;
  return async (path, maxBytes, received) => {
    agent ??= import('../../oci/undici/index.ts').then(
      ({ Agent }) =>
        new Agent({
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
          connectTimeout: Math.min(options.timeoutMs, 30_000),
        }),
    );
    const dispatcher = await agent;
    let current = new URL(checkRepositoryPath(path, base.href), base);
    const input = current.href;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      let response: Dispatcher.ResponseData;
      try {
        response = await dispatcher.request({
          origin: current.origin,
          path: `${current.pathname}${current.search}`,
          method: 'GET',
          headers: { 'user-agent': 'sgci', accept: '*/*' },
        });
      } catch (error) {
        throw new SgciError('REGISTRY_UNREACHABLE', input, `cannot fetch: ${describe(error)}`, { cause: error });
      }
      const { statusCode } = response;
      if (statusCode >= 300 && statusCode < 400) {
        await response.body.dump();
        const location = response.headers.location;
        if (typeof location !== 'string') throw new SgciError('REGISTRY_ERROR', input, `redirect without Location`);
        const next = new URL(location, current);
        // a mirror may hand over to https anywhere (mirror redirectors do), never down to http elsewhere
        if (next.protocol !== 'https:' && next.origin !== current.origin) {
          throw new SgciError('REGISTRY_ERROR', input, `refusing redirect to ${next.origin}`);
        }
        current = next;
        continue;
      }
      if (statusCode === 404 || statusCode === 410) {
        await response.body.dump();
        return undefined;
      }
      if (statusCode !== 200) {
        await response.body.dump();
        throw new SgciError('REGISTRY_ERROR', input, `HTTP ${statusCode}`);
      }
      const declared = Number(response.headers['content-length'] ?? Number.NaN);
      if (declared > maxBytes) {
        await response.body.dump();
        throw new SgciError('LIMIT_EXCEEDED', input, `response of ${declared} bytes exceeds ${maxBytes}`);
      }
      // copied into place as the pieces come, while this thread waits for the line anyway, not joined at the end
      const body = new GrowingBuffer(Number.isSafeInteger(declared) && declared >= 0 ? declared : 64 * 1024);
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        if (body.length + chunk.length > maxBytes) {
          response.body.destroy();
          throw new SgciError('LIMIT_EXCEEDED', input, `response exceeds ${maxBytes} bytes`);
        }
        body.append(chunk);
        received?.(chunk);
      }
      return body.bytes();
    }
    throw new SgciError('REGISTRY_ERROR', input, `more than ${maxRedirects} redirects`);
  };
}

/** Bytes appended piece by piece into one buffer, sized up front when the length is announced, doubled when not. */
class GrowingBuffer {
  #buffer: Buffer;
  length = 0;

  constructor(expected: number) {
    this.#buffer = Buffer.allocUnsafeSlow(expected);
  }

  append(piece: Uint8Array): void {
    if (this.length + piece.length > this.#buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.length + piece.length, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, this.length);
      this.#buffer = grown;
    }
    this.#buffer.set(piece, this.length);
    this.length += piece.length;
  }

  /** What was appended: a view of it. */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.length);
  }
}
