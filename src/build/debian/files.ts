/**
 * The files of Debian sources through a content-addressed cache: every index and `.deb` is stored under its
 * sha256 once verified, and read from there (verified again) by later builds, so a build whose lock names
 * the InRelease digests runs air-gapped from the cache.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobCache } from '../../cache/index.ts';
import { type Digest, dataDir, digestOf, isSgciError, parseDigest, SgciError } from '../../core/index.ts';
import { type BuildPhase, PhaseRecorder } from '../phases.ts';
import { type RepositoryRead, repositoryReader } from './transport.ts';

/** A file's expected content as a signed Release or Packages names it. */
export interface ExpectedFile {
  readonly sha256: string;
  readonly size: number;
}

export interface RepositoryFilesOptions {
  /** Default: `$SGCI_HOME/debian` (the data directory: an air-gapped build depends on it, it is no mere cache). */
  readonly cacheDir?: string;
  /** Never touch the network: everything must come from the cache. */
  readonly offline?: boolean;
  readonly timeoutMs?: number;
  /** Bound on an InRelease file (Debian's is about 150 KB). */
  readonly maxInReleaseBytes?: number;
  /**
   * Bound on any other file (an index, a `.deb`), whatever size the signed document claims: each is held in
   * memory once while it is verified. Default 2 GiB (Debian's largest packages are under 1 GiB).
   */
  readonly maxFileBytes?: number;
  /** Records each download's span (`report.phases` of a build). */
  readonly phases?: PhaseRecorder;
}

const MiB = 1024 * 1024;

export class RepositoryFiles {
  readonly cache: BlobCache;
  readonly offline: boolean;
  /** The spans of this build's downloads and of what it does with them (`report.phases`). */
  readonly phases: PhaseRecorder;
  readonly #timeoutMs: number;
  readonly #maxInReleaseBytes: number;
  readonly #maxFileBytes: number;
  readonly #readers = new Map<string, RepositoryRead>();
  readonly #pending: Promise<unknown>[] = [];
  readonly #inReleases = new Map<string, Promise<Uint8Array>>();
  /** Downloads on their way, by sha256: a second request for the same file waits for the first. */
  readonly #underWay = new Map<string, { readonly size: number; readonly bytes: Promise<Uint8Array | undefined> }>();

  constructor(options: RepositoryFilesOptions = {}) {
    this.cache = new BlobCache({ dir: options.cacheDir ?? join(dataDir(), 'debian') });
    this.offline = options.offline ?? false;
    this.phases = options.phases ?? new PhaseRecorder();
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#maxInReleaseBytes = options.maxInReleaseBytes ?? 16 * MiB;
    this.#maxFileBytes = options.maxFileBytes ?? 2048 * MiB;
  }

  /**
   * The InRelease of `dists/<suite>`: from the cache when a lock pins its digest and the cache has it,
   * else from the repository (and then cached), once per build. The caller verifies its signature before reading it.
   */
  inRelease(url: string, suite: string, pinned?: ExpectedFile): Promise<Uint8Array> {
    // once per build and pin: a locked build asks for it before it has read its build file, then again to verify it
    const key = `${url} ${suite} ${pinned?.sha256 ?? ''}`;
    let fetched = this.#inReleases.get(key);
    if (!fetched) {
      fetched = this.#inRelease(url, suite, pinned);
      this.#inReleases.set(key, fetched);
    }
    return fetched;
  }

  async #inRelease(url: string, suite: string, pinned?: ExpectedFile): Promise<Uint8Array> {
    const path = `dists/${suite}/InRelease`;
    if (pinned) {
      const cached = await this.#cached(pinned, `${url} ${path}`);
      if (cached) return cached;
    }
    const bytes = await this.#read(url, [path], this.#maxInReleaseBytes, 'download InRelease');
    if (!bytes) throw new SgciError('REPOSITORY_INVALID', joinUrl(url, path), 'the repository has no InRelease');
    const digest = digestOf(bytes);
    if (pinned && digest !== `sha256:${pinned.sha256}`) {
      throw new SgciError(
        'DIGEST_MISMATCH',
        joinUrl(url, path),
        `InRelease is ${digest}, the lock pins sha256:${pinned.sha256}`,
      );
    }
    await this.cache.put(digest, bytes);
    return bytes;
  }

  /**
   * A file whose size and sha256 a signed document names: from the cache, else from the first of `paths`
   * the repository has (by-hash first where offered), verified before it is returned or cached; `undefined`
   * when the repository has none of them. A file of the same sha256 and size already on its way is awaited, not
   * fetched again (a prefetch of what a lock names). `received` hears each piece of a download as it comes,
   * unverified: what it derives must wait for the return.
   */
  async verified(
    url: string,
    paths: readonly string[],
    expected: ExpectedFile,
    link: string,
    options: { readonly phase?: BuildPhase; readonly received?: (piece: Uint8Array) => void } = {},
  ): Promise<Uint8Array | undefined> {
    const input = joinUrl(url, paths[paths.length - 1] ?? '');
    if (expected.size > this.#maxFileBytes) {
      throw new SgciError(
        'LIMIT_EXCEEDED',
        input,
        `${link} says ${expected.size} bytes, more than ${this.#maxFileBytes}`,
      );
    }
    const under = this.#underWay.get(expected.sha256);
    if (under?.size === expected.size) {
      const joined = await under.bytes.catch(() => undefined);
      if (joined) return joined;
    }
    const bytes = this.#verifiedOnce(url, paths, expected, link, input, options);
    const entry = { size: expected.size, bytes };
    this.#underWay.set(expected.sha256, entry);
    try {
      return await bytes;
    } finally {
      if (this.#underWay.get(expected.sha256) === entry) this.#underWay.delete(expected.sha256);
    }
  }

  async #verifiedOnce(
    url: string,
    paths: readonly string[],
    expected: ExpectedFile,
    link: string,
    input: string,
    options: { readonly phase?: BuildPhase; readonly received?: (piece: Uint8Array) => void },
  ): Promise<Uint8Array | undefined> {
    const cached = await this.#cached(expected, input);
    if (cached) return cached;
    const bytes = await this.#read(
      url,
      paths,
      expected.size,
      options.phase ?? 'download index',
      options.received,
    ).catch((error: unknown) => {
      if (!isSgciError(error, 'LIMIT_EXCEEDED')) throw error;
      throw new SgciError('DIGEST_MISMATCH', input, `is larger than the ${expected.size} bytes ${link} says`);
    });
    if (!bytes) return undefined;
    // the cache's put checks the sha256 before it stores: the one pass over the bytes
    checkSize(bytes, expected, input, link);
    await this.cache.put(sha256Digest(expected, input), bytes).catch((error: unknown) => {
      if (isSgciError(error, 'DIGEST_MISMATCH')) checkContent(bytes, expected, input, link);
      throw error;
    });
    return bytes;
  }

  /** As `verified`, for a `.deb`: the local path of the verified file in the cache. */
  async verifiedPath(url: string, path: string, expected: ExpectedFile, link: string): Promise<string> {
    const input = joinUrl(url, path);
    if (!(await this.verified(url, [path], expected, link, { phase: 'download .deb' }))) {
      throw new SgciError('REPOSITORY_INVALID', input, `the repository does not have the file ${link} names`);
    }
    return this.pathOf(url, path, expected);
  }

  /** Where `verifiedPath` puts a file: known before its download ends, for an assembly that awaits it. */
  pathOf(url: string, path: string, expected: ExpectedFile): string {
    return this.cache.pathOf(sha256Digest(expected, joinUrl(url, path)));
  }

  /** A file a signed document names, from the cache alone, verified: undefined on a miss or a damaged entry (dropped). */
  fromCache(expected: ExpectedFile, input: string): Promise<Uint8Array | undefined> {
    return this.#cached(expected, input);
  }

  /** Whether the cache has a file: to choose among forms a signed document names, never to read one. */
  holds(expected: ExpectedFile, input: string): Promise<boolean> {
    return this.cache.has(sha256Digest(expected, input));
  }

  /**
   * Caches content derived from a verified file (a decompressed index) under the sha256 a signed document
   * names for it, when it matches; content that does not is left out of the cache. `hashed`: its sha256 as the
   * caller computed it while deriving it.
   */
  async keepDerived(bytes: Uint8Array, expected: ExpectedFile, input: string, hashed?: string): Promise<void> {
    if (bytes.length !== expected.size) return;
    const digest = sha256Digest(expected, input);
    // hashed as it was derived: no second pass over an index of tens of MB
    if (hashed !== undefined) {
      if (hashed === expected.sha256) await this.cache.putHashed(digest, bytes);
      return;
    }
    // put hashes the bytes to check them: one pass over an index of tens of MB, not a second one here
    await this.cache.put(digest, bytes).catch((error: unknown) => {
      if (!isSgciError(error, 'DIGEST_MISMATCH')) throw error;
    });
  }

  /**
   * `keepDerived` once this turn of the event loop is over (the caller goes on reading what it derived); `settled`
   * waits for it. `hashed`: the sha256 of `bytes`, when the caller computed it as they came.
   */
  keepDerivedLater(bytes: Uint8Array, expected: ExpectedFile, input: string, hashed?: string): void {
    const kept = new Promise((next) => setImmediate(next)).then(() => this.keepDerived(bytes, expected, input, hashed));
    kept.catch(() => undefined); // reported by `settled`; a build that failed before has its own error to report
    this.#pending.push(kept);
  }

  /** Work of this build's that `settled` waits for (a prefetch): what it does with its failures is its own. */
  alongside(work: Promise<unknown>): void {
    this.#pending.push(work);
  }

  /** Waits for what `keepDerivedLater` and `alongside` were given; throws the first failure. */
  async settled(): Promise<void> {
    await Promise.all(this.#pending.splice(0));
  }

  async #cached(expected: ExpectedFile, input: string): Promise<Uint8Array | undefined> {
    const digest = sha256Digest(expected, input);
    let bytes: Buffer;
    try {
      bytes = await readFile(this.cache.pathOf(digest));
    } catch {
      return undefined;
    }
    if (bytes.length === expected.size && digestOf(bytes) === digest) return bytes;
    // a damaged cache entry is dropped and fetched again, never used
    await this.cache.remove(digest);
    return undefined;
  }

  async #read(
    url: string,
    paths: readonly string[],
    maxBytes: number,
    phase: BuildPhase,
    received?: (piece: Uint8Array) => void,
  ): Promise<Uint8Array | undefined> {
    if (this.offline) {
      throw new SgciError('CACHE_ERROR', joinUrl(url, paths[paths.length - 1] ?? ''), 'not in the cache (offline)');
    }
    let read = this.#readers.get(url);
    if (!read) {
      read = repositoryReader(url, { timeoutMs: this.#timeoutMs });
      this.#readers.set(url, read);
    }
    const reader = read;
    const fetch = async () => {
      for (const path of paths) {
        const bytes = await reader(path, maxBytes, received);
        if (bytes) return bytes;
      }
      return undefined;
    };
    return this.phases.time(phase, fetch, (bytes) => bytes?.length ?? 0);
  }
}

function sha256Digest(expected: ExpectedFile, input: string): Digest {
  return parseDigest(`sha256:${expected.sha256}`, input);
}

/** Size first (cheap, and a longer file is refused before it is hashed), then the sha256. */
function checkContent(bytes: Uint8Array, expected: ExpectedFile, input: string, link: string): void {
  checkSize(bytes, expected, input, link);
  const actual = digestOf(bytes);
  if (actual !== `sha256:${expected.sha256}`) {
    throw new SgciError('DIGEST_MISMATCH', input, `is ${actual}, ${link} says sha256:${expected.sha256}`);
  }
}

function checkSize(bytes: Uint8Array, expected: ExpectedFile, input: string, link: string): void {
  if (bytes.length !== expected.size) {
    throw new SgciError('DIGEST_MISMATCH', input, `has ${bytes.length} bytes, ${link} says ${expected.size}`);
  }
}

export function joinUrl(url: string, path: string): string {
  return `${url.replace(/\/+$/, '')}/${path}`;
}
