/**
 * The signature link on Debian's own material: an InRelease that `apt-get update` left in /var/lib/apt/lists
 * verified with openpgp.js against the keys of the debian-archive-keyring package, each pinned by its
 * fingerprint, at the Release's own Date; one changed byte of the signed text breaks it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as openpgp from 'openpgp';
import { loadPinnedKeys, verifyInRelease } from '../../src/build/debian/index.ts';
import { isSgciError } from '../../src/core/index.ts';

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

describe("Debian's own InRelease against debian-archive-keyring", { skip: missing }, () => {
  test('verifies at its Date with pinned keys; a changed byte or text outside the signed block fails', async () => {
    // each key pinned by the fingerprint its file holds, as a build configuration pins it
    const pinned = [];
    for (const file of keyFiles) {
      const [key] = await openpgp.readKeys({ binaryKeys: readFileSync(file) });
      if (key) pinned.push({ file, fingerprint: key.getFingerprint() });
    }
    const keys = await loadPinnedKeys(pinned);
    const signers = new Set(pinned.map((p) => p.fingerprint));
    const timings: string[] = [];
    for (const file of inReleases) {
      const bytes = readFileSync(file);
      const date = /^Date: (.+)$/m.exec(bytes.toString('utf8'))?.[1] ?? assert.fail(`${file} has no Date`);
      const at = new Date(new Date(date.replace(/UTC$/, 'GMT')).getTime() + 60_000);
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
});
