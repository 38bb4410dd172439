/**
 * One suite of a Debian source, verified link by link: InRelease signature (pinned keys, allowed signer) →
 * Suite/Codename, Date and Valid-Until at the snapshot time → each Packages index's size and sha256 from the
 * signed Release (by-hash where offered) → the packages it lists, each with the size and sha256 of its `.deb`.
 */
import type { Key } from 'openpgp';
import { digestHex, digestOf } from '../../core/index.ts';
import type { ExpectedFile, RepositoryFiles } from './files.ts';
import { joinUrl } from './files.ts';
import { downloadPinnedIndices, type EarlyIndices, indexText } from './index-text.ts';
import { parseNamedPackages } from './packages.ts';
import { PackageList, type PackageListing, PackagesIndex } from './packages-index.ts';
import { checkRelease, type IndexFile, packagesIndex, parseRelease, type Release } from './release.ts';
import { sideBySide } from './side-by-side.ts';
import { type PinnedKey, verifyInRelease } from './signature.ts';

/** A Debian archive, mirror or snapshot, as the build configuration names it. */
export interface DebianSource {
  /** `https://deb.debian.org/debian`, `https://snapshot.debian.org/archive/debian/20250101T000000Z`, `file:/srv/repo`. */
  readonly url: string;
  readonly suites: readonly string[];
  readonly components: readonly string[];
  /** Public keys that may sign the InRelease files, each with the fingerprint its file must hold. */
  readonly keys: readonly PinnedKey[];
  /** Fingerprints (primary or signing subkey) allowed to sign; default: the pinned keys' fingerprints. */
  readonly signers?: readonly string[];
  /** The time Date and Valid-Until are judged at (a snapshot's time); default: now. */
  readonly snapshot?: Date | string;
}

/** An index as verified: its path from the repository root, size and sha256. */
export interface VerifiedIndex extends ExpectedFile {
  readonly path: string;
}

/** What the chain of trust established for one suite: recorded in the lock and the provenance. */
export interface VerifiedSuite {
  readonly url: string;
  readonly suite: string;
  /** `dists/<suite>/InRelease`'s size and sha256. */
  readonly inRelease: ExpectedFile;
  readonly signer: string;
  readonly signingKey: string;
  readonly date: string;
  readonly validUntil: string | undefined;
  /** The snapshot time the source names (the Release was judged then); undefined: judged at build time. */
  readonly snapshot: string | undefined;
  readonly indices: readonly VerifiedIndex[];
}

export interface SuiteRequest {
  readonly source: DebianSource;
  readonly suite: string;
  readonly architectures: readonly string[];
  /** Loaded while the InRelease downloads: awaited only to check its signature. */
  readonly keys: Promise<readonly Key[]>;
  readonly signers: ReadonlySet<string>;
  readonly at: Date;
  /** The InRelease a lock pins (read from the cache when it has it). */
  readonly pinned?: ExpectedFile;
  /**
   * The index forms a lock names (paths below `dists/<suite>/`) with their size and sha256: read before the form
   * sgci prefers, and downloaded from the start, before the InRelease is verified (taken only where the Release
   * names the same).
   */
  readonly pinnedIndices?: ReadonlyMap<string, ExpectedFile>;
  /** Bound on one decompressed index. */
  readonly maxIndexBytes: number;
  /** Only the stanzas of these packages are parsed (a locked build checks its packages, it resolves nothing). */
  readonly only?: ReadonlySet<string>;
  /** Downloads of the pinned index forms started before (`startLockedDownloads`); else they start here. */
  readonly early?: EarlyIndices;
  /** Hears when every index of the suite is downloaded and verified, before they are read. */
  readonly fetched?: () => void;
}

export interface LoadedSuite {
  readonly verified: VerifiedSuite;
  /** One per index, in the order of the Release's components and the request's architectures. */
  readonly listings: readonly PackageListing[];
}

export async function loadSuite(files: RepositoryFiles, request: SuiteRequest): Promise<LoadedSuite> {
  const { source, suite } = request;
  const inReleaseUrl = joinUrl(source.url, `dists/${suite}/InRelease`);
  const early =
    request.early ??
    (request.pinnedIndices
      ? downloadPinnedIndices(files, source.url, suite, request.pinnedIndices, request.maxIndexBytes)
      : undefined);
  const bytes = await files.inRelease(source.url, suite, request.pinned);
  const keys = await request.keys;
  const signed = await files.phases.time('verify InRelease', () =>
    verifyInRelease(bytes, inReleaseUrl, keys, request.signers, request.at),
  );
  const release = parseRelease(signed.text, inReleaseUrl);
  checkRelease(release, suite, request.at, inReleaseUrl);
  const wanted = source.components.flatMap((component) =>
    indicesOf(release, component, request.architectures, inReleaseUrl, new Set(request.pinnedIndices?.keys())).map(
      (forms) => ({
        component,
        forms,
      }),
    ),
  );
  let toFetch = wanted.length;
  const fetched = () => {
    if (--toFetch === 0) request.fetched?.();
  };
  // the indices at once: one downloads while another decompresses
  const loaded = await sideBySide(wanted, async ({ component, forms }) => {
    const { index, text } = await indexText(files, source.url, release, suite, forms, request.maxIndexBytes, {
      fetched,
      ...(early ? { early } : {}),
    });
    const path = `dists/${suite}/${index.path}`;
    const input = joinUrl(source.url, path);
    const origin = { url: source.url, suite, component };
    const { only } = request;
    const listing = files.phases.timeSync('parse index', () =>
      only ? new PackageList(parseNamedPackages(text, only, origin, input)) : new PackagesIndex(text, origin, input),
    );
    return { index: { path, sha256: index.sha256, size: index.size }, listing };
  });
  return {
    verified: {
      url: source.url,
      suite,
      inRelease: { sha256: digestHex(digestOf(bytes)), size: bytes.length },
      signer: signed.signer,
      signingKey: signed.signingKey,
      date: release.date.toISOString(),
      validUntil: release.validUntil?.toISOString(),
      snapshot: request.source.snapshot === undefined ? undefined : request.at.toISOString(),
      indices: loaded.map((l) => l.index),
    },
    listings: loaded.map((l) => l.listing),
  };
}

/**
 * The Packages indices of a component, each as the forms the Release lists: one per architecture, plus
 * `binary-all` where the Release keeps `all` apart; a pinned form first.
 */
function indicesOf(
  release: Release,
  component: string,
  architectures: readonly string[],
  input: string,
  pinned?: ReadonlySet<string>,
): IndexFile[][] {
  const out = architectures.map((arch) => packagesIndex(release, component, arch, input, pinned));
  if (!release.archAllInArchIndices) out.push(packagesIndex(release, component, 'all', input, pinned));
  return out;
}
