import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serveDirectory } from '../../../test/helpers/debian-repo.ts';
import { digestHex, digestOf, isSgciError } from '../../core/index.ts';
import { RepositoryFiles } from './files.ts';

test('a file a signed document claims to be huge is refused before a byte is read', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-files-'));
  try {
    const files = new RepositoryFiles({ cacheDir: join(dir, 'cache'), maxFileBytes: 1024 });
    await assert.rejects(
      files.verified('file:/nonexistent/debian', ['pool/x.deb'], { sha256: '0'.repeat(64), size: 3e9 }, 'Packages'),
      (error: unknown) =>
        isSgciError(error, 'LIMIT_EXCEEDED') &&
        /pool\/x\.deb: Packages says 3000000000 bytes, more than 1024/.test(error.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('derived content is cached only when it is what the signed document names', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-files-'));
  try {
    const files = new RepositoryFiles({ cacheDir: join(dir, 'cache') });
    const plain = Buffer.from('Package: a\nVersion: 1.0\n');
    const expected = { sha256: digestHex(digestOf(plain)), size: plain.length };
    const forged = Buffer.from(plain.toString('latin1').replace('1.0', '9.0'), 'latin1');
    await files.keepDerived(forged, expected, 'main/binary-amd64/Packages');
    assert.equal(await files.holds(expected, 'main/binary-amd64/Packages'), false, 'same size, other bytes: left out');
    await files.keepDerived(plain.subarray(1), expected, 'main/binary-amd64/Packages');
    assert.equal(await files.holds(expected, 'main/binary-amd64/Packages'), false, 'other size: left out');
    // hashed by the caller as it derived them: another sha256 is left out without a look at the bytes
    await files.keepDerived(plain, expected, 'main/binary-amd64/Packages', 'b'.repeat(64));
    assert.equal(await files.holds(expected, 'main/binary-amd64/Packages'), false, 'hashed to another sha256');
    await files.keepDerived(plain, expected, 'main/binary-amd64/Packages', expected.sha256);
    assert.deepEqual(await files.fromCache(expected, 'main/binary-amd64/Packages'), plain);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('derived content kept later is there once settled, and a failure to keep it is reported by settled', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-files-'));
  try {
    const files = new RepositoryFiles({ cacheDir: join(dir, 'cache') });
    const plain = Buffer.from('Package: a\nVersion: 1.0\n');
    const expected = { sha256: digestHex(digestOf(plain)), size: plain.length };
    files.keepDerivedLater(plain, expected, 'main/binary-amd64/Packages');
    assert.equal(await files.holds(expected, 'main/binary-amd64/Packages'), false, "not in the caller's turn");
    await files.settled();
    assert.deepEqual(await files.fromCache(expected, 'main/binary-amd64/Packages'), plain);

    // a cache that cannot be written: the failure waits for settled, and settled names it once
    await writeFile(join(dir, 'blocked'), '');
    const blocked = new RepositoryFiles({ cacheDir: join(dir, 'blocked', 'cache') });
    blocked.keepDerivedLater(plain, expected, 'main/binary-amd64/Packages');
    await assert.rejects(blocked.settled(), (error: unknown) => isSgciError(error, 'CACHE_ERROR'));
    await blocked.settled();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file asked for while it is on its way is fetched once; its pieces are heard as they come', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-files-'));
  try {
    const body = randomBytes(3 * 1024 * 1024);
    await mkdir(join(dir, 'repo', 'pool'), { recursive: true });
    await writeFile(join(dir, 'repo', 'pool', 'a.deb'), body);
    await using served = await serveDirectory(join(dir, 'repo'));
    const files = new RepositoryFiles({ cacheDir: join(dir, 'cache') });
    const expected = { sha256: digestHex(digestOf(body)), size: body.length };
    const pieces: Uint8Array[] = [];
    const [first, second] = await Promise.all([
      files.verified(served.url, ['pool/a.deb'], expected, 'Packages', { received: (p) => pieces.push(p) }),
      files.verifiedPath(served.url, 'pool/a.deb', expected, 'Packages'),
    ]);
    assert.deepEqual(served.requests, ['/pool/a.deb']);
    assert.ok(pieces.length > 1, `${pieces.length} pieces`);
    assert.ok(Buffer.concat(pieces).equals(body));
    assert.ok(Buffer.from(first ?? []).equals(body));
    assert.equal(second, files.pathOf(served.url, 'pool/a.deb', expected));
    // one that failed is not joined: the next request fetches again, and fails on its own
    const wrong = { sha256: 'f'.repeat(64), size: body.length };
    const tries = [1, 2].map(() => files.verified(served.url, ['pool/a.deb'], wrong, 'Packages'));
    for (const attempt of tries)
      await assert.rejects(
        attempt,
        (e) => isSgciError(e, 'DIGEST_MISMATCH') && /Packages says sha256:f{64}/.test(e.message),
      );
    assert.equal(served.requests.length, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
