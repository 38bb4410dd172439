/**
 * The compressed-layer cache (as BuildKit and ko reuse layers): a layer's gzip blob, found by what alone decides its
 * bytes — the uncompressed tar's sha256 (the diff_id), the gzip level, the block size, the deflate implementation
 * (`process.versions.zlib` on `process.arch`) and this cache's format — so a rebuild whose tar is unchanged skips
 * the deflate that otherwise takes most of a warm assembly's CPU. A ref named by the sha256 of that key holds the key
 * and the blob's sha256 and size; the blob sits in a content-addressed cache of its own. On read the ref must hold
 * the very key, the blob its recorded size and sha256, else the entry is dropped and the tar compressed again.
 * Whoever can write the cache can forge an entry whose hash and size match: the reproducibility proof's second run
 * never reads this cache, so such an entry fails the proof (as with the expanded-.deb cache).
 */
import { hash } from 'node:crypto';
import { type Digest, isDigest } from '../../core/index.ts';
import { RefBlobCache } from '../ref-blob-cache.ts';
import { gzipBlockBytes } from './layer-tar.ts';

/** Part of every key: a change to how a layer is compressed or an entry stored gets a new number. */
const format = 1;
const magic = 'sgci-layer-gzip';
const GiB = 1024 * 1024 * 1024;
/** Default bound of the cache: the layers of some dozens of images. */
export const defaultLayerCacheBytes = 2 * GiB;

/**
 * The most a gzip of `tarBytes` can take: deflate's stored-block worst case (5 bytes per 16 KiB), a sync flush per
 * block, the gzip header and trailer. An entry beyond it is not this tar's and is not read.
 */
function maxGzipBytes(tarBytes: number): number {
  return tarBytes + 5 * Math.ceil(tarBytes / 16384) + 16 * Math.ceil(tarBytes / gzipBlockBytes) + 1024;
}

/** The line that names what decides a layer's gzip bytes: one entry per key. */
function keyOf(diffId: Digest, level: number): string {
  return `${magic} ${format} ${diffId} level=${level} block=${gzipBlockBytes} zlib=${process.versions.zlib} arch=${process.arch}`;
}

export interface CachedLayer {
  readonly digest: Digest;
  readonly bytes: Buffer;
}

export class LayerCache {
  readonly dir: string;
  readonly #cache: RefBlobCache;

  constructor(dir: string, maxBytes = defaultLayerCacheBytes) {
    this.dir = dir;
    this.#cache = new RefBlobCache(dir, maxBytes);
  }

  /**
   * The gzip blob of the tar with this diff_id and size at `level`, or undefined on a miss. An entry whose ref names
   * another key, whose blob is not of its recorded size and sha256, or larger than any gzip of the tar, is removed
   * and reported as a miss.
   */
  async get(diffId: Digest, tarBytes: number, level: number): Promise<CachedLayer | undefined> {
    const key = keyOf(diffId, level);
    const ref = this.#cache.refPath(format, hash('sha256', key, 'hex'));
    const text = await this.#cache.readRef(ref);
    if (text === undefined) return undefined;
    const [keyLine, entry = ''] = text.split('\n');
    const [digest, sizeField] = entry.split(' ');
    const size = Number(sizeField);
    if (keyLine !== key || digest === undefined || !isDigest(digest) || !digest.startsWith('sha256:'))
      return this.#cache.drop(ref);
    if (!Number.isSafeInteger(size) || size <= 0) return this.#cache.drop(ref, digest);
    const bytes = await this.#cache.readBlob(ref, digest, maxGzipBytes(tarBytes), size);
    return bytes === undefined ? undefined : { digest, bytes };
  }

  /** Stores the gzip blob (`digest` its sha256, as computed for the layout) of the tar with this diff_id at `level`. */
  async put(diffId: Digest, level: number, layer: CachedLayer): Promise<void> {
    const key = keyOf(diffId, level);
    const ref = this.#cache.refPath(format, hash('sha256', key, 'hex'));
    await this.#cache.store(layer.digest, [layer.bytes], ref, `${key}\n${layer.digest} ${layer.bytes.length}\n`);
  }
}
