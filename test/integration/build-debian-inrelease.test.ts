/**
 * The chain of trust on Debian's own material: the InRelease files `apt-get update` left in /var/lib/apt/lists
 * verified with openpgp.js against the keys of the debian-archive-keyring package, each pinned by its
 * fingerprint, at the Release's own Date (one changed byte breaks it); then the whole chain over a `file:`
 * mirror made of those files: signature → Release → each index's sha256 → the closure → each `.deb` found in
 * apt's own cache checked against its Packages entry.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import {
  fetchPackages,
  loadPinnedKeys,
  lockOf,
  parseLock,
  RepositoryFiles,
  resolveDebian,
  serializeLock,
  verifyInRelease,
} from '../../src/build/debian/index.ts';
import { isSgciError } from '../../src/core/index.ts';
import {
  aptCachedDeb,
  hostDebianMirror,
  hostDebianMissing,
  hostInReleases,
  hostPinnedKeys,
  releaseDate,
} from '../helpers/host-debian.ts';

describe("Debian's own InRelease against debian-archive-keyring", { skip: hostDebianMissing() }, () => {
  test('verifies at its Date with pinned keys; a changed byte or text outside the signed block fails', async () => {
    const pinned = await hostPinnedKeys();
    const keys = await loadPinnedKeys(pinned);
    const signers = new Set(pinned.map((p) => p.fingerprint));
    const timings: string[] = [];
    for (const file of hostInReleases) {
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
      const { sources } = await hostDebianMirror(dir);
      const keys = sources[0]?.keys ?? [];
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
      await files.settled();
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
      const inAptCache = closure.packages.filter((p) => existsSync(aptCachedDeb(p.filename)));
      for (const p of inAptCache) {
        const target = join(dir, new URL(p.origin.url).pathname.split('/').pop() ?? '', p.filename);
        await mkdir(dirname(target), { recursive: true });
        await copyFile(aptCachedDeb(p.filename), target);
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
