/**
 * Reads one file of a Debian repository, from an http(s) mirror or snapshot URL or from a `file:` directory,
 * with a bound on its size and on time. Nothing read here is trusted: the caller verifies every byte against
 * the InRelease signature or a digest from a signed index before using it.
 */
import { open } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, SgciError } from '../../core/index.ts';

export interface TransportOptions {
  /** Bound on waiting for headers and on silence while a body streams. */
  readonly timeoutMs: number;
}

/** The bytes of the file, or `undefined` when the repository does not have it (HTTP 404, ENOENT). */
export type RepositoryRead = (path: string, maxBytes: number) => Promise<Uint8Array | undefined>;

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
  return async (path, maxBytes) => {
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
      return bytes.subarray(0, offset);
    } finally {
      await handle.close();
    }
  };
}

function httpReader(base: URL, options: TransportOptions): RepositoryRead {
  return async (path, maxBytes) => {
    // undici is loaded on first use: a build from the cache never pays for it
    const { request } = await import('undici');
    let current = new URL(checkRepositoryPath(path, base.href), base);
    const input = current.href;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      let response: Awaited<ReturnType<typeof request>>;
      try {
        response = await request(current, {
          method: 'GET',
          headers: { 'user-agent': 'sgci', accept: '*/*' },
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
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
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          response.body.destroy();
          throw new SgciError('LIMIT_EXCEEDED', input, `response exceeds ${maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
      return Buffer.concat(chunks, size);
    }
    throw new SgciError('REGISTRY_ERROR', input, `more than ${maxRedirects} redirects`);
  };
}
