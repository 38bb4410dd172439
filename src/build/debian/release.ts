/**
 * The signed text of an InRelease: which suite it is, when it was made and until when it is valid, and the
 * size and sha256 of every index. Each of these is a link of the chain of trust and is checked here.
 */
import { SgciError } from '../../core/index.ts';
import { type Paragraph, paragraphs, required } from './deb822.ts';
import type { ExpectedFile } from './files.ts';

export interface Release {
  readonly suite: string | undefined;
  readonly codename: string | undefined;
  readonly date: Date;
  readonly validUntil: Date | undefined;
  /** `Acquire-By-Hash: yes`: indices are also served under `<dir>/by-hash/SHA256/<hex>`. */
  readonly acquireByHash: boolean;
  readonly architectures: readonly string[];
  readonly components: readonly string[];
  /** Whether `binary-<arch>/Packages` lists the `Architecture: all` packages too (else they are in `binary-all`). */
  readonly archAllInArchIndices: boolean;
  /** Path below `dists/<suite>/` → size and sha256. */
  readonly files: ReadonlyMap<string, ExpectedFile>;
}

export function parseRelease(text: string, input: string): Release {
  const [paragraph] = paragraphs(text, input);
  if (!paragraph) throw new SgciError('REPOSITORY_INVALID', input, 'the signed Release text is empty');
  const words = (field: string) => (paragraph.get(field) ?? '').split(/\s+/).filter((w) => w !== '');
  const validUntil = paragraph.get('valid-until');
  return {
    suite: paragraph.get('suite'),
    codename: paragraph.get('codename'),
    date: parseReleaseDate(required(paragraph, 'date', input), 'Date', input),
    validUntil: validUntil === undefined ? undefined : parseReleaseDate(validUntil, 'Valid-Until', input),
    acquireByHash: paragraph.get('acquire-by-hash')?.toLowerCase() === 'yes',
    architectures: words('architectures'),
    components: words('components'),
    archAllInArchIndices:
      !words('architectures').includes('all') ||
      paragraph.get('no-support-for-architecture-all')?.toLowerCase() === 'packages',
    files: sha256Files(paragraph, input),
  };
}

/** RFC 2822 dates as Debian writes them (`Sat, 11 Jul 2026 10:16:37 UTC`). */
function parseReleaseDate(value: string, field: string, input: string): Date {
  const date = new Date(value.replace(/\bUTC$/, 'GMT'));
  if (!/\d{4}/.test(value) || Number.isNaN(date.getTime())) {
    throw new SgciError('REPOSITORY_INVALID', input, `${field} is not a date: ${JSON.stringify(value)}`);
  }
  return date;
}

function sha256Files(paragraph: Paragraph, input: string): Map<string, ExpectedFile> {
  const files = new Map<string, ExpectedFile>();
  for (const line of (paragraph.get('sha256') ?? '').split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 1 && parts[0] === '') continue;
    const [sha256, size, path] = parts;
    if (parts.length !== 3 || !sha256 || !/^[0-9a-f]{64}$/.test(sha256) || !/^\d+$/.test(size ?? '') || !path) {
      throw new SgciError('REPOSITORY_INVALID', input, `malformed SHA256 line ${JSON.stringify(line.slice(0, 200))}`);
    }
    files.set(path, { sha256, size: Number(size) });
  }
  if (files.size === 0) throw new SgciError('REPOSITORY_INVALID', input, 'the Release lists no SHA256 sums');
  return files;
}

/**
 * Suite or Codename must be the suite the source asked for (apt's "conflicting distribution"); the Release
 * must have been made by the snapshot time and still be valid then. Never switched off: a snapshot source
 * passes by giving the time it was taken.
 */
export function checkRelease(release: Release, suite: string, at: Date, input: string): void {
  if (release.suite !== suite && release.codename !== suite) {
    throw new SgciError(
      'REPOSITORY_INVALID',
      input,
      `Suite ${release.suite ?? '(none)'} / Codename ${release.codename ?? '(none)'} is not the suite ${suite} the source names`,
    );
  }
  if (release.date.getTime() > at.getTime()) {
    throw new SgciError(
      'REPOSITORY_INVALID',
      input,
      `Date ${release.date.toISOString()} is after the snapshot time ${at.toISOString()}: not valid yet`,
    );
  }
  if (release.validUntil && release.validUntil.getTime() <= at.getTime()) {
    throw new SgciError(
      'REPOSITORY_INVALID',
      input,
      `Valid-Until ${release.validUntil.toISOString()} has passed at the snapshot time ${at.toISOString()}: expired`,
    );
  }
}

/**
 * The compressions of an index sgci reads, in order of preference. gzip before xz, unlike apt: the xz form is
 * smaller (bookworm's main/binary-amd64: 8.8 against 12.1 MB) but costs ~0.9 s of CPU to decompress in
 * WebAssembly against Node's gunzip at 0.15 s, per 50 MB index and platform: on the networks builds run on
 * (a CI runner's, a site's own mirror) the download is the smaller cost (issue 16, docs/build.md).
 */
const compressions = ['.gz', '.xz', ''] as const;

export interface IndexFile extends ExpectedFile {
  /** Below `dists/<suite>/`, as the Release lists it. */
  readonly path: string;
}

/**
 * The forms of the Packages index of a component and architecture the Release lists, preferred first (a
 * mirror may lack one: the next is tried); none listed is an error that names the missing index. A form in
 * `pinned` (paths below `dists/<suite>/`: the ones a lock names) comes first, so a locked build reads what its
 * lock recorded, whichever order sgci prefers now.
 */
export function packagesIndex(
  release: Release,
  component: string,
  architecture: string,
  input: string,
  pinned: ReadonlySet<string> = new Set(),
): IndexFile[] {
  const base = `${component}/binary-${architecture}/Packages`;
  const listed: IndexFile[] = [];
  for (const suffix of compressions) {
    const expected = release.files.get(base + suffix);
    if (expected) listed.push({ path: base + suffix, ...expected });
  }
  // a stable sort: the pinned form first, the others in their order
  listed.sort((a, b) => Number(pinned.has(b.path)) - Number(pinned.has(a.path)));
  if (listed.length > 0) return listed;
  throw new SgciError('REPOSITORY_INVALID', input, `the Release lists no ${base}(.xz|.gz): the index is missing`);
}
