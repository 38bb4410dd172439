import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
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
    await files.keepDerived(plain, expected, 'main/binary-amd64/Packages');
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
