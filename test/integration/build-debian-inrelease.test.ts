/**
 * The chain of trust on Debian's own material: the InRelease files `apt-get update` left in /var/lib/apt/lists
 * verified with openpgp.js against the keys of the debian-archive-keyring package, each pinned by its
 * fingerprint, at the Release's own Date (one changed byte breaks it); then the whole chain over a `file:`
 * mirror made of those files: signature → Release → each index's sha256 → the closure → each `.deb` found in
 * apt's own cache checked against its Packages entry.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as openpgp from 'openpgp';
import {
  type DebianSource,
  fetchPackages,
  loadPinnedKeys,
  lockOf,
  type PinnedKey,
  parseLock,
  RepositoryFiles,
  resolveDebian,
  serializeLock,
  verifyInRelease,
} from '../../src/build/debian/index.ts';
import { isSgciError } from '../../src/core/index.ts';

const run = promisify(execFile);

const lists = '/var/lib/apt/lists';
const keyrings = '/usr/share/keyrings';

function filesIn(dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => pattern.test(n))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

const inReleases = filesIn(lists, /_dists_[a-z-]+_InRelease$/);
const keyFiles = filesIn(keyrings, /^debian-archive-[a-z]+-(automatic|stable|security-automatic)\.gpg$/);
const missing =
  inReleases.length === 0
    ? `no InRelease in ${lists} (scripts/setup.sh runs apt-get update)`
    : keyFiles.length === 0
      ? `no Debian archive keys in ${keyrings} (debian-archive-keyring)`
      : false;

/** Each key pinned by the fingerprint its file holds, as a build configuration pins it. */
async function pinnedKeys(): Promise<PinnedKey[]> {
  const pinned: PinnedKey[] = [];
  for (const file of keyFiles) {
    const [key] = await openpgp.readKeys({ binaryKeys: readFileSync(file) });
    if (key) pinned.push({ file, fingerprint: key.getFingerprint() });
  }
  return pinned;
}

function releaseDate(inRelease: string): Date {
  const date = /^Date: (.+)$/m.exec(inRelease)?.[1] ?? assert.fail('InRelease has no Date');
  return new Date(date.replace(/UTC$/, 'GMT'));
}

describe("Debian's own InRelease against debian-archive-keyring", { skip: missing }, () => {
  test('verifies at its Date with pinned keys; a changed byte or text outside the signed block fails', async () => {
    const pinned = await pinnedKeys();
    const keys = await loadPinnedKeys(pinned);
    const signers = new Set(pinned.map((p) => p.fingerprint));
    const timings: string[] = [];
    for (const file of inReleases) {
      const bytes = readFileSync(file);
      const at = new Date(releaseDate(bytes.toString('utf8')).getTime() + 60_000);
      const started = performance.now();
      const verified = await verifyInRelease(bytes, file, keys, signers, at);
      timings.push(
        `${file.split('/').pop()}: ${(bytes.length / 1024).toFixed(0)} KiB in ${(performance.now() - started).toFixed(1)} ms`,
      );
      assert.ok(signers.has(verified.signer), verified.signer);
      assert.match(verified.text, /^Origin: Debian/m);

      const text = bytes.toString('utf8');
      const changed = Buffer.from(text.replace(/^Date: /m, 'Date:  '));
      await assert.rejects(verifyInRelease(changed, file, keys, signers, at), (error: unknown) => {
        assert.ok(isSgciError(error, 'SIGNATURE_INVALID'), String(error));
        return true;
      });
      await assert.rejects(
        verifyInRelease(Buffer.concat([Buffer.from('Suite: evil\n'), bytes]), file, keys, signers, at),
        /not exactly one OpenPGP cleartext-signed message/,
      );
    }
    console.log(`openpgp.js verified Debian's InRelease files: ${timings.join('; ')}`);
  });

  test("the whole chain over a file: mirror of those lists, down to the .debs in apt's cache", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sgci-debian-mirror-'));
    try {
      // deb.debian.org_debian_dists_bookworm-updates_InRelease → archive deb.debian.org_debian, suite bookworm-updates
      const suites = new Map<string, string[]>();
      let snapshot = 0;
      for (const file of inReleases) {
        const [, archive = '', suite = ''] = /^(.+)_dists_([a-z-]+)_InRelease$/.exec(basename(file)) ?? [];
        const index = filesIn(lists, new RegExp(`^${archive}_dists_${suite}_main_binary-amd64_Packages`))[0];
        if (!index) continue;
        const dists = join(dir, archive, 'dists', suite);
        await mkdir(join(dists, 'main', 'binary-amd64'), { recursive: true });
        await copyFile(file, join(dists, 'InRelease'));
        // apt keeps indices recompressed (lz4); the Release lists the plain Packages, which apt-helper restores
        const { stdout } = await run('/usr/lib/apt/apt-helper', ['cat-file', index], { maxBuffer: 512 * 1024 * 1024 });
        await writeFile(join(dists, 'main', 'binary-amd64', 'Packages'), stdout);
        suites.set(archive, [...(suites.get(archive) ?? []), suite]);
        snapshot = Math.max(snapshot, releaseDate(readFileSync(file, 'utf8')).getTime() + 60_000);
      }
      const keys = await pinnedKeys();
      const sources: DebianSource[] = [...suites].map(([archive, list]) => ({
        url: pathToFileURL(join(dir, archive)).href,
        suites: list.sort(),
        components: ['main'],
        keys,
        snapshot: new Date(snapshot).toISOString(),
      }));
      const files = new RepositoryFiles({ cacheDir: join(dir, 'cache') });
      const started = performance.now();
      const resolution = await resolveDebian(
        {
          sources,
          architectures: ['amd64'],
          packages: ['base-files', 'netbase', 'tzdata', 'media-types', 'ca-certificates', 'libc6', 'libssl3'],
          excludes: ['debconf'],
        },
        { files },
      );
      const resolveMs = performance.now() - started;
      const closure = resolution.closures[0] ?? assert.fail('no closure');
      for (const suite of resolution.suites) {
        assert.ok(
          keys.some((k) => k.fingerprint === suite.signer),
          `${suite.suite} signed by ${suite.signer}`,
        );
        assert.equal(suite.indices.length, 1);
      }
      const lock = lockOf(resolution, 'sha256:test');
      assert.deepEqual(parseLock(serializeLock(lock), 'sgci.lock.json'), lock);

      // the .debs apt downloaded itself (file names as apt writes them: ':' as %3a) go into the mirror's pool
      const inAptCache = closure.packages.filter((p) => existsSync(aptCached(p.filename)));
      for (const p of inAptCache) {
        const target = join(dir, new URL(p.origin.url).pathname.split('/').pop() ?? '', p.filename);
        await mkdir(dirname(target), { recursive: true });
        await copyFile(aptCached(p.filename), target);
      }
      const fetched = await fetchPackages(inAptCache, files);
      assert.equal(fetched.length, inAptCache.length);
      console.log(
        `real chain: ${resolution.suites.map((s) => s.suite).join(', ')} verified and ${closure.packages.length} ` +
          `packages resolved in ${resolveMs.toFixed(0)} ms; ${fetched.length} of their .debs found in apt's cache and ` +
          'verified against their Packages entries' +
          (fetched.length === 0 ? " (none of this closure's versions is in apt's cache on this machine)" : ''),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function aptCached(filename: string): string {
  return join('/var/cache/apt/archives', basename(filename).replaceAll(':', '%3a'));
}
