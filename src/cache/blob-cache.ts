/**
 * The content-addressed blob cache: `<dir>/blobs/<algorithm>/<hex>`, one file per verified blob.
 * Writers fill a private temp file in `<dir>/tmp` (same filesystem) and rename it into place, so
 * concurrent processes never see a partial blob and two writers of the same blob just race to the
 * same content. Last use is the file's mtime (touched on every hit; atime is often `relatime`), and
 * pruning removes the least recently used blobs until the cache fits its size limit.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  blobReadBytes,
  cacheDir,
  type Digest,
  describe,
  digestAlgorithm,
  digestHex,
  isDigest,
  type Logger,
  SgciError,
  silentLogger,
  verifyDigest,
} from '../core/index.ts';

export interface BlobCacheOptions {
  /** Default: `cacheDir()` ($SGCI_CACHE_DIR, else $XDG_CACHE_HOME/sgci). */
  readonly dir?: string;
  /** Prune down to this after writes; undefined means no automatic limit. */
  readonly maxBytes?: number;
  readonly logger?: Logger;
}

export interface CacheEntry {
  readonly digest: Digest;
  readonly size: number;
  /** mtime: the last time sgci wrote or read the blob. */
  readonly lastUsed: Date;
}

export interface PruneResult {
  readonly removed: readonly CacheEntry[];
  readonly removedBytes: number;
  readonly remainingBytes: number;
  readonly remainingEntries: number;
}

export interface CacheInfo {
  readonly dir: string;
  readonly entries: number;
  readonly bytes: number;
}

/** Writes one blob; nothing is visible in the cache until `commit()`. */
export interface BlobCacheWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Call only after the content was verified against the digest. */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Temp files older than this belong to a crashed writer and go on the next prune. */
const staleTempMs = 60 * 60 * 1000;
const algorithms = ['sha256', 'sha512'] as const;

export class BlobCache {
  readonly dir: string;
  readonly maxBytes: number | undefined;
  readonly #logger: Logger;
  #pruning: Promise<PruneResult> | undefined;
  /** Bytes in the cache as of the last listing plus what this process wrote since; spares a listing per write. */
  #estimatedBytes: number | undefined;

  constructor(options: BlobCacheOptions = {}) {
    this.dir = options.dir ?? cacheDir();
    this.maxBytes = options.maxBytes;
    this.#logger = options.logger ?? silentLogger;
  }

  pathOf(digest: Digest): string {
    return join(this.dir, 'blobs', digestAlgorithm(digest), digestHex(digest));
  }

  async has(digest: Digest): Promise<boolean> {
    try {
      return (await stat(this.pathOf(digest))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * A stream of the cached bytes, or undefined on a miss. A file whose size differs from
   * `expectedSize` is damaged: it is removed and reported as a miss. The caller still verifies the
   * digest while reading; this only catches the cheap cases early.
   */
  async open(digest: Digest, expectedSize?: number): Promise<Readable | undefined> {
    const path = this.pathOf(digest);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SgciError('CACHE_ERROR', path, `cannot read cached blob: ${describe(error)}`, { cause: error });
    }
    const { size } = await handle.stat();
    if (expectedSize !== undefined && size !== expectedSize) {
      await handle.close();
      this.#logger.warn({ digest, size, expectedSize }, 'Removing cached blob of the wrong size');
      await this.remove(digest);
      return undefined;
    }
    const now = new Date();
    await utimes(path, now, now).catch(() => {});
    return createReadStream('', { fd: handle, highWaterMark: blobReadBytes });
  }

  /** Removes a blob, e.g. one that failed verification on read. */
  async remove(digest: Digest): Promise<void> {
    await rm(this.pathOf(digest), { force: true });
  }

  /** Stores bytes after checking they hash to `digest`. */
  async put(digest: Digest, bytes: Uint8Array): Promise<void> {
    verifyDigest(bytes, digest, digest);
    await this.putHashed(digest, bytes);
  }

  /**
   * Stores bytes the caller hashed to `digest` itself as they came (a download, a decompression): the same write as
   * `put`, without a second pass over them.
   */
  async putHashed(digest: Digest, bytes: Uint8Array): Promise<void> {
    const writer = await this.createWriter(digest);
    try {
      await writer.write(bytes);
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  async createWriter(digest: Digest): Promise<BlobCacheWriter> {
    const tempDir = join(this.dir, 'tmp');
    const finalPath = this.pathOf(digest);
    const tempPath = join(
      tempDir,
      `${digestHex(digest).slice(0, 16)}.${process.pid}.${randomBytes(6).toString('hex')}`,
    );
    let handle: FileHandle;
    try {
      await mkdir(tempDir, { recursive: true });
      await mkdir(join(this.dir, 'blobs', digestAlgorithm(digest)), { recursive: true });
      handle = await open(tempPath, 'wx', 0o644);
    } catch (error) {
      throw new SgciError('CACHE_ERROR', this.dir, `cannot write to the cache: ${describe(error)}`, { cause: error });
    }
    let done = false;
    let written = 0;
    return {
      write: async (chunk) => {
        let offset = 0;
        while (offset < chunk.length) {
          const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
          offset += bytesWritten;
          written += bytesWritten;
        }
      },
      commit: async () => {
        if (done) return;
        done = true;
        try {
          await handle.close();
          // rename is atomic: readers in other processes see no file or the whole file
          await rename(tempPath, finalPath);
        } catch (error) {
          await rm(tempPath, { force: true });
          throw new SgciError('CACHE_ERROR', finalPath, `cannot store blob in the cache: ${describe(error)}`, {
            cause: error,
          });
        }
        await this.#enforceLimit(written);
      },
      abort: async () => {
        if (done) return;
        done = true;
        await handle.close().catch(() => {});
        await rm(tempPath, { force: true });
      },
    };
  }

  /** Every cached blob with its size and last use, least recently used first. */
  async entries(): Promise<CacheEntry[]> {
    const found: CacheEntry[] = [];
    for (const algorithm of algorithms) {
      const dir = join(this.dir, 'blobs', algorithm);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw new SgciError('CACHE_ERROR', dir, `cannot list the cache: ${describe(error)}`, { cause: error });
      }
      for (const name of names) {
        const digest = `${algorithm}:${name}`;
        if (!isDigest(digest)) continue;
        try {
          const info = await stat(join(dir, name));
          if (info.isFile()) found.push({ digest, size: info.size, lastUsed: info.mtime });
        } catch {
          // removed by another process meanwhile
        }
      }
    }
    return found.sort((a, b) => a.lastUsed.getTime() - b.lastUsed.getTime() || a.digest.localeCompare(b.digest));
  }

  async info(): Promise<CacheInfo> {
    const entries = await this.entries();
    return { dir: this.dir, entries: entries.length, bytes: entries.reduce((sum, e) => sum + e.size, 0) };
  }

  /** Removes least recently used blobs until at most `maxBytes` remain, and stale temp files. */
  async prune(options: { maxBytes: number }): Promise<PruneResult> {
    await this.#removeStaleTemp();
    const entries = await this.entries();
    let remainingBytes = entries.reduce((sum, e) => sum + e.size, 0);
    const removed: CacheEntry[] = [];
    for (const entry of entries) {
      if (remainingBytes <= options.maxBytes) break;
      await this.remove(entry.digest);
      removed.push(entry);
      remainingBytes -= entry.size;
    }
    if (removed.length > 0) this.#logger.debug({ removed: removed.length, remainingBytes }, 'Pruned blob cache');
    return {
      removed,
      removedBytes: removed.reduce((sum, e) => sum + e.size, 0),
      remainingBytes,
      remainingEntries: entries.length - removed.length,
    };
  }

  async #enforceLimit(addedBytes: number): Promise<void> {
    const maxBytes = this.maxBytes;
    if (maxBytes === undefined) return;
    if (this.#estimatedBytes !== undefined) {
      this.#estimatedBytes += addedBytes;
      if (this.#estimatedBytes <= maxBytes) return;
    }
    // One prune at a time per process; concurrent commits wait for the running one.
    this.#pruning ??= this.prune({ maxBytes }).finally(() => {
      this.#pruning = undefined;
    });
    this.#estimatedBytes = (await this.#pruning).remainingBytes;
  }

  async #removeStaleTemp(): Promise<void> {
    const dir = join(this.dir, 'tmp');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    const cutoff = Date.now() - staleTempMs;
    for (const name of names) {
      const path = join(dir, name);
      try {
        if ((await stat(path)).mtimeMs < cutoff) await rm(path, { force: true });
      } catch {
        // gone already
      }
    }
  }
}
