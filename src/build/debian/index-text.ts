/**
 * A Packages index as text, through a cache of decompressed indices: the signed Release lists the size and
 * sha256 of the uncompressed `Packages` beside its `.xz` and `.gz` forms (mirrors serve only those), so the
 * decompressed bytes go into the content-addressed cache under that sha256 and a later build reads them from
 * there, verified against the Release again, instead of decompressing 50 MB of xz once more (4.6 s of a warm
 * real-archive build). The cache needs no trust: a damaged entry fails the check, is dropped and derived anew.
 */
import { SgciError } from '../../core/index.ts';
import { decompressIndex, GunzipAsItComes } from './decompress.ts';
import { type ExpectedFile, joinUrl, type RepositoryFiles } from './files.ts';
import type { IndexFile, Release } from './release.ts';

export interface IndexText {
  /** The form recorded in the lock: the one fetched, or on a hit the first whose file the cache holds. */
  readonly index: IndexFile;
  /** The decompressed bytes (UTF-8): a locked build decodes only the stanzas it checks. */
  readonly text: Buffer;
}

/**
 * The first form of an index the cache or the repository has, verified against the Release and decompressed;
 * `fetched` hears when its bytes are here, before they are decompressed and read; `early` are downloads a lock's
 * pins started before the Release was verified (`downloadPinnedIndices`).
 * A hit of the decompressed index records the form a build without it would have read: the first the cache
 * holds (the sha256 recorded comes from the Release, the text is verified by its own); with none, the
 * repository is asked as before, so a lock never depends on what the cache held.
 */
export async function indexText(
  files: RepositoryFiles,
  url: string,
  release: Release,
  suite: string,
  forms: readonly IndexFile[],
  maxIndexBytes: number,
  hooks: { readonly fetched?: () => void; readonly early?: EarlyIndices } = {},
): Promise<IndexText> {
  const { fetched, early } = hooks;
  const plain = forms.find((f) => !f.path.endsWith('.xz') && !f.path.endsWith('.gz'));
  const plainInput = plain ? joinUrl(url, `dists/${suite}/${plain.path}`) : '';
  if (plain && plain.size <= maxIndexBytes) {
    const cached = await files.fromCache(plain, plainInput);
    if (cached) {
      for (const index of forms) {
        if (index !== plain && (await files.holds(index, plainInput))) {
          fetched?.();
          return { index, text: asBuffer(cached) };
        }
      }
    }
  }
  for (const index of forms) {
    const input = joinUrl(url, `dists/${suite}/${index.path}`);
    const ahead = early?.get(index.path);
    const same = ahead !== undefined && ahead.expected.sha256 === index.sha256 && ahead.expected.size === index.size;
    const got =
      (same ? await ahead.download : undefined) ??
      (await downloadIndex(files, url, fetchPaths(release, suite, index), index, maxIndexBytes, input, plain?.size));
    if (!got) continue;
    fetched?.();
    const text =
      got.text ??
      (await files.phases.time(
        'decompress index',
        () => decompressIndex(got.bytes, index.path, maxIndexBytes, input, plain?.size),
        (out) => out.length,
      ));
    // only what matches the Release's entry is kept; a repository whose entries disagree is read as before. Kept
    // later: hashing and writing 50 MB need not stand between the download and the resolution
    if (plain && index !== plain) files.keepDerivedLater(text, plain, plainInput, got.textSha256);
    return { index, text: asBuffer(text) };
  }
  const names = forms.map((f) => f.path).join(', ');
  throw new SgciError('REPOSITORY_INVALID', joinUrl(url, `dists/${suite}/`), `the repository has none of ${names}`);
}

/** An index downloaded and verified, and its text when it was inflated on the way (with the text's sha256). */
interface DownloadedIndex {
  readonly bytes: Uint8Array;
  readonly text?: Uint8Array;
  readonly textSha256?: string;
}

/**
 * Downloads of the index forms a lock pins, started before the InRelease is fetched and verified, by path below
 * `dists/<suite>/`, each with what the lock says it is: taken only for a form whose Release entry says the same once
 * the Release is verified. A failed one is left to the download the Release asks for (by-hash, say).
 */
export type EarlyIndices = ReadonlyMap<
  string,
  { readonly expected: ExpectedFile; readonly download: Promise<DownloadedIndex | undefined> }
>;

/**
 * Starts downloading the index forms a lock pins for a suite (`pinned`: path below `dists/<suite>/`, size, sha256)
 * that the cache does not hold, before anything of the suite is verified: the line carries the index while the keys
 * load and the InRelease's signature is checked. Each is verified against the lock's entry as any download is, and
 * its text is used only for the form the verified Release names with the same sha256 and size.
 */
export function downloadPinnedIndices(
  files: RepositoryFiles,
  url: string,
  suite: string,
  pinned: ReadonlyMap<string, ExpectedFile>,
  maxIndexBytes: number,
): EarlyIndices {
  const early = new Map<string, { expected: ExpectedFile; download: Promise<DownloadedIndex | undefined> }>();
  for (const [path, expected] of pinned) {
    const full = `dists/${suite}/${path}`;
    // by its sha256 first, as the Release may offer (not known yet): the very content the lock names, even where the
    // mirror moved on since; then the path
    const paths = [`${full.slice(0, full.lastIndexOf('/'))}/by-hash/SHA256/${expected.sha256}`, full];
    const input = joinUrl(url, full);
    // only what the cache does not hold (asked without reading it: the verified Release decides what is read there);
    // the plain text's size is the Release's to say, until then room for a text 8 times the size of the .gz
    const download = files
      .holds(expected, input)
      .then((held) =>
        held
          ? undefined
          : downloadIndex(files, url, paths, { path, ...expected }, maxIndexBytes, input, expected.size * 8),
      )
      .catch(() => undefined);
    early.set(path, { expected, download });
  }
  return early;
}

/**
 * One form of an index, verified against `index` (its Release or lock entry); a `.gz` inflates while it downloads,
 * its text taken only once the download is verified. `undefined`: the repository has none of `paths`.
 */
async function downloadIndex(
  files: RepositoryFiles,
  url: string,
  paths: readonly string[],
  index: IndexFile,
  maxIndexBytes: number,
  input: string,
  plainBytes: number | undefined,
): Promise<DownloadedIndex | undefined> {
  const asItComes = index.path.endsWith('.gz') ? new GunzipAsItComes(maxIndexBytes, input, plainBytes) : undefined;
  const started = performance.now();
  const bytes = await files
    .verified(url, paths, index, 'InRelease', { ...(asItComes ? { received: asItComes.write } : {}) })
    .catch((error: unknown) => {
      asItComes?.abort();
      throw error;
    });
  if (!bytes) {
    asItComes?.abort();
    return undefined;
  }
  const text = await asItComes?.end(index);
  if (!text) return { bytes };
  files.phases.record('decompress index', started, performance.now(), text.length);
  return { bytes, text, ...(asItComes?.textSha256 ? { textSha256: asItComes.textSha256 } : {}) };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a view, not a copy
}

/** By-hash first where the Release offers it (a mirror mid-update still serves the signed content), then the path. */
function fetchPaths(release: Release, suite: string, index: IndexFile): string[] {
  const path = `dists/${suite}/${index.path}`;
  if (!release.acquireByHash) return [path];
  const dir = path.slice(0, path.lastIndexOf('/'));
  return [`${dir}/by-hash/SHA256/${index.sha256}`, path];
}
