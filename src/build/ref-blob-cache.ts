/**
 * What the build's derived caches (expanded `.deb`s, compressed layers) share: blobs in a bounded content-addressed
 * cache of their own, each found through a small ref file named by what it was derived from. A blob is stored before
 * its ref, each atomically, so a reader sees no ref or one whose blob is whole; what a ref or blob must satisfy to
 * be used is the caller's to check, and one that fails is dropped.
 */
import { hash } from 'node:crypto';
import { readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobCache } from '../cache/index.ts';
import { type Digest, writeFileAtomic } from '../core/index.ts';

export class RefBlobCache {
  readonly dir: string;
  readonly blobs: BlobCache;

  constructor(dir: string, maxBytes: number) {
    this.dir = dir;
    this.blobs = new BlobCache({ dir, maxBytes });
  }

  /** The ref file of `name` under a format version: a new version never reads an older one's refs. */
  refPath(version: number, name: string): string {
    return join(this.dir, 'refs', String(version), name);
  }

  /** The ref's text, or undefined when there is none (or it cannot be read). */
  async readRef(ref: string): Promise<string | undefined> {
    try {
      return await readFile(ref, 'latin1');
    } catch {
      return undefined;
    }
  }

  /**
   * The bytes of the blob `digest` a ref named: read only when at most `maxBytes` (and exactly `size`, when the ref
   * records it), used only when they hash to `digest`; otherwise the ref and the blob are dropped and this is a miss.
   * Last use is marked on the blob.
   */
  async readBlob(ref: string, digest: Digest, maxBytes: number, size?: number): Promise<Buffer | undefined> {
    const path = this.blobs.pathOf(digest);
    let bytes: Buffer;
    try {
      const found = (await stat(path)).size;
      if (found > maxBytes || (size !== undefined && found !== size)) return this.drop(ref, digest);
      bytes = await readFile(path);
    } catch {
      return this.drop(ref);
    }
    // one-shot on this thread: WebCrypto's digest copies the bytes first and cost twice the CPU (measured on the
    // static set's 26 MB of expanded entries), with no gain from the pool's threads
    if (`sha256:${hash('sha256', bytes, 'hex')}` !== digest) return this.drop(ref, digest);
    await this.#touch(path);
    return bytes;
  }

  /**
   * Writes the blob `digest` from `parts`, then the ref. The blob is written even when a file of that name is there:
   * it may be a damaged one whose ref was dropped.
   */
  async store(digest: Digest, parts: readonly Uint8Array[], ref: string, refText: string): Promise<void> {
    const writer = await this.blobs.createWriter(digest);
    try {
      for (const part of parts) await writer.write(part);
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    await writeFileAtomic(ref, refText);
  }

  /** Marks the blob used now: pruning goes by mtime and keeps what builds still take. */
  async #touch(path: string): Promise<void> {
    const now = new Date();
    await utimes(path, now, now).catch(() => {});
  }

  /** Removes a ref (and its blob, when known) that must not be used: a miss either way. */
  async drop(ref: string, digest?: Digest): Promise<undefined> {
    try {
      await rm(ref, { force: true });
      if (digest !== undefined) await this.blobs.remove(digest);
    } catch {
      // not removable here (a read-only cache): never used either, and refused again next time
    }
    return undefined;
  }
}
