/**
 * The expanded-.deb cache (as apko keeps expanded APKs): a package's decompressed control.tar and data.tar, stored
 * once a build has read the verified .deb, so later builds of the same package skip the xz decompression that
 * otherwise takes most of an assembly. An entry is a blob in a content-addressed cache of its own, found through a
 * ref named by the .deb's sha256 and the format version; it is checked against its own sha256 and names the .deb it
 * came from, so a damaged, swapped or stale entry is dropped and the .deb read again. The cache is bounded: the
 * least recently used entries go first.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { type Digest, isDigest, type Limits } from '../../core/index.ts';
import { RefBlobCache } from '../ref-blob-cache.ts';
import { type ExpandedDeb, maxExpandedBytes } from './read-deb.ts';

/** Part of every ref and header: a change to what an entry holds or how it is read gets a new number. */
const format = 1;
const magic = 'sgci-expanded-deb';
const maxHeaderBytes = 512;
const GiB = 1024 * 1024 * 1024;
/** Default bound of the cache: the expanded tars of a few hundred typical packages. */
export const defaultExpandedCacheBytes = 4 * GiB;

/** `sgci-expanded-deb 1 <deb sha256> <data compression> <control bytes> <data bytes>\n`, then both tars. */
function header(debSha256: string, expanded: ExpandedDeb): Buffer {
  return Buffer.from(
    `${magic} ${format} ${debSha256} ${expanded.dataCompression} ${expanded.control.length} ${expanded.data.length}\n`,
    'latin1',
  );
}

/** The entry's tars as views into `bytes`, or undefined when the header is not this format's for `debSha256`. */
function parseEntry(bytes: Buffer, debSha256: string): ExpandedDeb | undefined {
  const end = bytes.subarray(0, maxHeaderBytes).indexOf(0x0a);
  if (end < 0) return undefined;
  const fields = bytes.toString('latin1', 0, end).split(' ');
  const [name, version, deb, dataCompression, controlField, dataField] = fields;
  if (fields.length !== 6 || name !== magic || version !== String(format) || deb !== debSha256) return undefined;
  if (!/^(gzip|xz|zstd|none)$/.test(dataCompression ?? '')) return undefined;
  const controlBytes = Number(controlField);
  const dataBytes = Number(dataField);
  const start = end + 1;
  if (!Number.isSafeInteger(controlBytes) || !Number.isSafeInteger(dataBytes)) return undefined;
  if (start + controlBytes + dataBytes !== bytes.length) return undefined;
  return {
    control: bytes.subarray(start, start + controlBytes),
    data: bytes.subarray(start + controlBytes),
    dataCompression: dataCompression as string,
  };
}

export class ExpandedDebCache {
  readonly dir: string;
  readonly #cache: RefBlobCache;

  constructor(dir: string, maxBytes = defaultExpandedCacheBytes) {
    this.dir = dir;
    this.#cache = new RefBlobCache(dir, maxBytes);
  }

  #refOf(debSha256: string): string {
    return this.#cache.refPath(format, debSha256);
  }

  /**
   * The expanded tars of the .deb with this sha256, or undefined on a miss. An entry that is larger than `limits`
   * allow, fails its sha256, or names another .deb or format is removed and reported as a miss.
   */
  async get(debSha256: string, limits: Limits): Promise<ExpandedDeb | undefined> {
    const ref = this.#refOf(debSha256);
    const digest = (await this.#cache.readRef(ref))?.trim();
    if (digest === undefined) return undefined;
    if (!isDigest(digest) || !digest.startsWith('sha256:')) return this.#cache.drop(ref);
    const bytes = await this.#cache.readBlob(ref, digest, maxExpandedBytes(limits) + maxHeaderBytes);
    if (bytes === undefined) return undefined;
    const entry = parseEntry(bytes, debSha256);
    if (entry === undefined) return this.#cache.drop(ref, digest);
    return entry;
  }

  /** Whether an entry for the .deb is there (its ref): to decide what to open early, never to read one. */
  async holds(debSha256: string): Promise<boolean> {
    try {
      await stat(this.#refOf(debSha256));
      return true;
    } catch {
      return false;
    }
  }

  /** Stores the expanded tars of the .deb with this sha256 (called once the .deb was verified and parsed). */
  async put(debSha256: string, expanded: ExpandedDeb): Promise<void> {
    const head = header(debSha256, expanded);
    const hash = createHash('sha256').update(head).update(expanded.control).update(expanded.data);
    const digest = `sha256:${hash.digest('hex')}` as Digest;
    await this.#cache.store(digest, [head, expanded.control, expanded.data], this.#refOf(debSha256), `${digest}\n`);
  }

  /** Removes an entry that must not be used (its ref, and its blob when known). */
  async remove(debSha256: string): Promise<void> {
    const ref = this.#refOf(debSha256);
    const digest = (await this.#cache.readRef(ref))?.trim();
    await this.#cache.drop(ref, digest !== undefined && isDigest(digest) ? digest : undefined);
  }
}
