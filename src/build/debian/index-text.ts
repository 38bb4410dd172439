/**
 * A Packages index as text, through a cache of decompressed indices: the signed Release lists the size and
 * sha256 of the uncompressed `Packages` beside its `.xz` and `.gz` forms (mirrors serve only those), so the
 * decompressed bytes go into the content-addressed cache under that sha256 and a later build reads them from
 * there, verified against the Release again, instead of decompressing 50 MB of xz once more (4.6 s of a warm
 * real-archive build). The cache needs no trust: a damaged entry fails the check, is dropped and derived anew.
 */
import { SgciError } from '../../core/index.ts';
import { decompressIndex, GunzipAsItComes } from './decompress.ts';
import { joinUrl, type RepositoryFiles } from './files.ts';
import type { IndexFile, Release } from './release.ts';

export interface IndexText {
  /** The form recorded in the lock: the one fetched, or on a hit the first whose file the cache holds. */
  readonly index: IndexFile;
  /** The decompressed bytes (UTF-8): a locked build decodes only the stanzas it checks. */
  readonly text: Buffer;
}

/**
 * The first form of an index the cache or the repository has, verified against the Release and decompressed;
 * `fetched` hears when its bytes are here, before they are decompressed and read.
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
  fetched?: () => void,
): Promise<IndexText> {
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
    // a .gz inflates while it downloads; its text is taken only once the download is verified
    const asItComes = index.path.endsWith('.gz') ? new GunzipAsItComes(maxIndexBytes, input, plain?.size) : undefined;
    const started = performance.now();
    const bytes = await files
      .verified(url, fetchPaths(release, suite, index), index, 'InRelease', {
        ...(asItComes ? { received: asItComes.write } : {}),
      })
      .catch((error: unknown) => {
        asItComes?.abort();
        throw error;
      });
    if (!bytes) {
      asItComes?.abort();
      continue;
    }
    fetched?.();
    const streamed = await asItComes?.end(index);
    if (streamed) files.phases.record('decompress index', started, performance.now(), streamed.length);
    const text =
      streamed ??
      (await files.phases.time(
        'decompress index',
        () => decompressIndex(bytes, index.path, maxIndexBytes, input, plain?.size),
        (out) => out.length,
      ));
    // only what matches the Release's entry is kept; a repository whose entries disagree is read as before. Kept
    // later: hashing and writing 50 MB need not stand between the download and the resolution
    if (plain && index !== plain) files.keepDerivedLater(text, plain, plainInput);
    return { index, text: asBuffer(text) };
  }
  const names = forms.map((f) => f.path).join(', ');
  throw new SgciError('REPOSITORY_INVALID', joinUrl(url, `dists/${suite}/`), `the repository has none of ${names}`);
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
