/**
 * The Debian side of `sgci build`: verify every suite of every source, resolve the closure per architecture,
 * and fetch each chosen `.deb`, verified against its Packages entry, into the cache.
 */
import { SgciError } from '../../core/index.ts';
import type { RepositoryFiles } from './files.ts';
import { downloadPinnedIndices, type EarlyIndices } from './index-text.ts';
import { type Lock, lockPins, type SuitePin } from './lock.ts';
import type { BinaryPackage } from './packages.ts';
import type { PackageListing } from './packages-index.ts';
import { type Closure, type ClosurePackage, resolveClosure } from './resolve.ts';
import { sideBySide } from './side-by-side.ts';
import { loadPinnedKeys, normalizeFingerprint } from './signature.ts';
import { type DebianSource, loadSuite, type VerifiedSuite } from './source.ts';
import { PackageUniverse } from './universe.ts';

export interface ResolveRequest {
  readonly sources: readonly DebianSource[];
  /** Debian architecture names: `amd64`, `arm64`. */
  readonly architectures: readonly string[];
  /** Relations as in a Depends field: `libc6`, `tzdata (>= 2024a)`. */
  readonly packages: readonly string[];
  /** Closure cuts: names whose relations count as met without installing anything. */
  readonly excludes?: readonly string[];
}

export interface ResolveOptions {
  readonly files: RepositoryFiles;
  /** The clock for sources without a snapshot time. */
  readonly now?: () => Date;
  /**
   * What a lock pins by `url` and suite: the InRelease (read from the cache, and a fetched one must match) and the
   * index forms it read (read first).
   */
  readonly pinned?: (url: string, suite: string) => SuitePin | undefined;
  /** Bound on one decompressed Packages index; default 1 GiB. */
  readonly maxIndexBytes?: number;
  /** Downloads a lock started before the resolution (`startLockedDownloads`), by source URL and suite. */
  readonly early?: LockedDownloads;
  /**
   * Hears when every index of every suite is downloaded and verified, before they are read: the line is free for
   * the `.deb`s a lock names while the indices are read and the closure resolved.
   */
  readonly indicesFetched?: () => void;
}

export interface Resolution {
  readonly suites: readonly VerifiedSuite[];
  /** One closure per requested architecture, in request order. */
  readonly closures: readonly Closure[];
}

/** What fetching a `.deb` needs: where it is listed and what its Packages entry says it is. */
export type DebFile = Pick<
  BinaryPackage,
  'name' | 'version' | 'architecture' | 'source' | 'sourceVersion' | 'filename' | 'size' | 'sha256' | 'origin'
>;

/** A package with its `.deb` verified in the cache (`path`). */
export type Fetched<T extends DebFile> = T & { readonly path: string };

/** A package of the closure with its `.deb` verified in the cache. */
export type ResolvedPackage = Fetched<ClosurePackage>;

export async function resolveDebian(request: ResolveRequest, options: ResolveOptions): Promise<Resolution> {
  if (request.architectures.length === 0) throw new SgciError('USAGE', 'architectures', 'name at least one');
  const { suites, listings } = await loadSources(request, options);
  const closures = options.files.phases.timeSync('resolve', () =>
    request.architectures.map((architecture) =>
      resolveClosure(new PackageUniverse(listings, architecture), {
        packages: request.packages,
        excludes: request.excludes ?? [],
      }),
    ),
  );
  return { suites, closures };
}

/**
 * The chain of trust of a locked build, to its last link, without resolving: with every InRelease pinned and the
 * configuration the lock's, a resolution could only repeat the lock. Each suite is verified as for a resolution
 * (the indices from the cache, checked against the Release), and each `.deb` the lock names must be listed by
 * the index of its origin with the same version, architecture, path, size and sha256; only those stanzas are
 * parsed.
 */
export async function verifyLockedPackages(
  request: ResolveRequest,
  locked: readonly DebFile[],
  options: ResolveOptions,
): Promise<VerifiedSuite[]> {
  const only = new Set(locked.map((p) => p.name));
  const { suites, listings } = await loadSources(request, options, only);
  const listed = new Set(listings.flatMap((l) => l.all()).map(entryKey));
  for (const p of locked) {
    if (!listed.has(entryKey(p))) {
      throw new SgciError(
        'DIGEST_MISMATCH',
        `${p.origin.url} ${p.origin.suite}/${p.origin.component}`,
        `the lock names ${p.name} ${p.version} (${p.architecture}, sha256:${p.sha256}), which its verified index does not list`,
      );
    }
  }
  return suites;
}

function entryKey(p: DebFile): string {
  const { origin } = p;
  return [
    origin.url,
    origin.suite,
    origin.component,
    p.name,
    p.version,
    p.architecture,
    p.filename,
    p.size,
    p.sha256,
  ].join('\n');
}

async function loadSources(
  request: ResolveRequest,
  options: ResolveOptions,
  only?: ReadonlySet<string>,
): Promise<{ suites: VerifiedSuite[]; listings: PackageListing[] }> {
  const now = options.now ?? (() => new Date());
  let suitesToFetch = request.sources.reduce((sum, source) => sum + source.suites.length, 0);
  const fetched = () => {
    if (--suitesToFetch === 0) options.indicesFetched?.();
  };
  // every suite of every source at once: their downloads overlap each other's verification and decompression
  const perSource = await sideBySide(request.sources, async (source) => {
    // the keys (and openpgp.js) load while the InRelease files download
    const keys = loadPinnedKeys(source.keys);
    keys.catch(() => undefined); // awaited by each suite; a suite that failed before has its own error
    const signers = new Set(
      (source.signers ?? source.keys.map((k) => k.fingerprint)).map((f) => normalizeFingerprint(f, source.url)),
    );
    const at = snapshotTime(source, now);
    return sideBySide(source.suites, (suite) => {
      const pinned = options.pinned?.(source.url, suite);
      const early = options.early?.get(`${source.url} ${suite}`);
      return loadSuite(options.files, {
        source,
        suite,
        architectures: request.architectures,
        keys,
        signers,
        at,
        ...(pinned ? { pinned: pinned.inRelease, pinnedIndices: pinned.indices } : {}),
        ...(early ? { early } : {}),
        maxIndexBytes: options.maxIndexBytes ?? defaultMaxIndexBytes,
        ...(only ? { only } : {}),
        fetched,
      });
    });
  });
  const loaded = perSource.flat();
  return { suites: loaded.map((l) => l.verified), listings: loaded.flatMap((l) => l.listings) };
}

const defaultMaxIndexBytes = 1024 * 1024 * 1024;

/** The downloads `startLockedDownloads` started, by `${url} ${suite}`. */
export type LockedDownloads = ReadonlyMap<string, EarlyIndices>;

/**
 * What a lock pins, asked for before anything else of a build: each suite's InRelease and the index forms the lock
 * read, each verified against the lock as any download is, and used only once the suite's verified Release names
 * the same. A locked build's line carries the indices while it reads its build file, loads the keys and starts the
 * proof's second run; what fails here is fetched again where the chain of trust asks for it, and reported there.
 */
export function startLockedDownloads(files: RepositoryFiles, lock: Lock): LockedDownloads {
  const pins = lockPins(lock);
  const early = new Map<string, EarlyIndices>();
  for (const { url, suite } of lock.suites) {
    const pin = pins(url, suite);
    if (!pin) continue;
    files.inRelease(url, suite, pin.inRelease).catch(() => undefined);
    early.set(`${url} ${suite}`, downloadPinnedIndices(files, url, suite, pin.indices, defaultMaxIndexBytes));
  }
  return early;
}

function snapshotTime(source: DebianSource, now: () => Date): Date {
  if (source.snapshot === undefined) return now();
  const at = new Date(source.snapshot);
  if (Number.isNaN(at.getTime())) {
    throw new SgciError('USAGE', source.url, `snapshot ${JSON.stringify(String(source.snapshot))} is not a time`);
  }
  return at;
}

/**
 * Each `.deb` (of a closure, or of a lock's packages), fetched once and checked against its Packages entry
 * before anyone opens it; `verified` hears of each as soon as it is, while the others still download.
 */
export async function fetchPackages<T extends DebFile>(
  packages: readonly T[],
  files: RepositoryFiles,
  verified?: (fetched: Fetched<T>) => void,
): Promise<Fetched<T>[]> {
  return sideBySide(
    packages,
    async (p) => {
      const link = `the Packages entry of ${p.name} ${p.version} (${p.origin.suite}/${p.origin.component})`;
      const fetched = { ...p, path: await files.verifiedPath(p.origin.url, p.filename, p, link) };
      verified?.(fetched);
      return fetched;
    },
    downloadsAtOnce,
  );
}

/**
 * Fetches the `.deb`s an earlier lock names into the cache, each verified against the lock's size and sha256,
 * ahead of the resolution: `fetchPackages` then finds each the resolution chose again on its way or in the cache,
 * under the sha256 its verified Packages entry gives, and nothing is opened before that. A file the archive no
 * longer has, or no longer as the lock says, fails nobody: the resolution decides what is fetched.
 */
export function prefetchPackages(packages: readonly DebFile[], files: RepositoryFiles): void {
  files.alongside(fetchPackages(packages, files).catch(() => undefined));
}

/** Downloads under way at once: enough to fill a line with small files, as apt's pipelining does, and no more. */
const downloadsAtOnce = 8;
