/**
 * Debian's own material on this machine, read-only: the InRelease files and Packages indices `apt-get update`
 * left in /var/lib/apt/lists, the archive keys of debian-archive-keyring and the `.deb`s in apt's cache. A
 * `file:` mirror made of them lets the tests and the benchmark run the whole chain of trust on real signatures,
 * real indices and real packages without the network.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as openpgp from 'openpgp';
import type { DebianSource, PinnedKey } from '../../src/build/debian/index.ts';

const run = promisify(execFile);

export const aptLists = '/var/lib/apt/lists';
const keyrings = '/usr/share/keyrings';
const aptArchives = '/var/cache/apt/archives';

function filesIn(dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => pattern.test(n))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

export const hostInReleases = filesIn(aptLists, /_dists_[a-z-]+_InRelease$/);
const hostKeyFiles = filesIn(keyrings, /^debian-archive-[a-z]+-(automatic|stable|security-automatic)\.gpg$/);

/** Why the host's Debian material cannot be used, or false when it can (a test prints this as its skip reason). */
export function hostDebianMissing(): string | false {
  if (hostInReleases.length === 0) return `no InRelease in ${aptLists} (scripts/setup.sh runs apt-get update)`;
  if (hostKeyFiles.length === 0) return `no Debian archive keys in ${keyrings} (debian-archive-keyring)`;
  return false;
}

/** The main amd64 Packages indices apt keeps, the release suite's (the largest) first. */
export function hostPackagesIndices(): string[] {
  return filesIn(aptLists, /_dists_[a-z-]+_main_binary-amd64_Packages(\.(lz4|xz|gz|zst))?$/).sort(
    (a, b) => statSync(b).size - statSync(a).size,
  );
}

/** An index as apt stored it (lz4, xz, gz, zstd or plain), decompressed by apt's own helper. */
export async function readAptIndex(file: string): Promise<string> {
  const { stdout } = await run('/usr/lib/apt/apt-helper', ['cat-file', file], { maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

/** Each archive key pinned by the fingerprint its file holds, as a build configuration pins it. */
export async function hostPinnedKeys(): Promise<PinnedKey[]> {
  const pinned: PinnedKey[] = [];
  for (const file of hostKeyFiles) {
    const [key] = await openpgp.readKeys({ binaryKeys: readFileSync(file) });
    if (key) pinned.push({ file, fingerprint: key.getFingerprint() });
  }
  return pinned;
}

export function releaseDate(inRelease: string): Date {
  const date = /^Date: (.+)$/m.exec(inRelease)?.[1];
  if (!date) throw new Error('InRelease has no Date');
  return new Date(date.replace(/UTC$/, 'GMT'));
}

export interface HostMirror {
  /** One source per archive (`deb.debian.org_debian`, `deb.debian.org_debian-security`), its suites sorted. */
  readonly sources: DebianSource[];
  /** A minute after the newest Release's Date: every suite is judged at one time at which all are valid. */
  readonly snapshot: string;
}

/**
 * Lays out `dir/<archive>/dists/<suite>/InRelease` and `…/main/binary-amd64/Packages` from apt's lists (apt
 * keeps indices recompressed; the Release also lists the plain Packages, which apt-helper restores).
 */
export async function hostDebianMirror(dir: string): Promise<HostMirror> {
  const suites = new Map<string, string[]>();
  let snapshot = 0;
  for (const file of hostInReleases) {
    const [, archive = '', suite = ''] = /^(.+)_dists_([a-z-]+)_InRelease$/.exec(basename(file)) ?? [];
    const index = filesIn(aptLists, new RegExp(`^${archive}_dists_${suite}_main_binary-amd64_Packages`))[0];
    if (!index) continue;
    const dists = join(dir, archive, 'dists', suite);
    await mkdir(join(dists, 'main', 'binary-amd64'), { recursive: true });
    await copyFile(file, join(dists, 'InRelease'));
    await writeFile(join(dists, 'main', 'binary-amd64', 'Packages'), await readAptIndex(index));
    suites.set(archive, [...(suites.get(archive) ?? []), suite]);
    snapshot = Math.max(snapshot, releaseDate(readFileSync(file, 'utf8')).getTime() + 60_000);
  }
  const keys = await hostPinnedKeys();
  const at = new Date(snapshot).toISOString();
  return {
    sources: [...suites].map(([archive, list]) => ({
      url: pathToFileURL(join(dir, archive)).href,
      suites: list.sort(),
      components: ['main'],
      keys,
      snapshot: at,
    })),
    snapshot: at,
  };
}

/** Where apt's cache keeps the `.deb` a Packages entry names (apt writes `:` as `%3a`). */
export function aptCachedDeb(filename: string): string {
  return join(aptArchives, basename(filename).replaceAll(':', '%3a'));
}
