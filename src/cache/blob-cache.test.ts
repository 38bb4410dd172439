import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Digest, isSgciError } from '../core/index.ts';
import { BlobCache } from './blob-cache.ts';
import { formatSize, parseSize } from './size.ts';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sgci-blob-cache-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const digestOf = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
let counter = 0;
async function freshCache(maxBytes?: number): Promise<BlobCache> {
  return new BlobCache({ dir: join(root, `cache-${counter++}`), ...(maxBytes !== undefined ? { maxBytes } : {}) });
}

test('a blob is stored under blobs/<algorithm>/<hex> and read back; nothing is left in tmp', async () => {
  const cache = await freshCache();
  const bytes = randomBytes(1000);
  const digest = digestOf(bytes);
  await cache.put(digest, bytes);
  assert.equal(cache.pathOf(digest), join(cache.dir, 'blobs', 'sha256', digest.slice(7)));
  assert.deepEqual(await readFile(cache.pathOf(digest)), bytes);
  const stream = await cache.open(digest, bytes.length);
  assert.ok(stream);
  assert.deepEqual(Buffer.concat(await stream.toArray()), bytes);
  assert.deepEqual(await readdir(join(cache.dir, 'tmp')), []);
  assert.deepEqual(await cache.info(), { dir: cache.dir, entries: 1, bytes: 1000 });
});

test('put refuses bytes that do not match the digest', async () => {
  const cache = await freshCache();
  const digest = digestOf(Buffer.from('a'));
  await assert.rejects(cache.put(digest, Buffer.from('b')), (error) => isSgciError(error, 'DIGEST_MISMATCH'));
  assert.equal(await cache.has(digest), false);
});

test('an aborted writer leaves no blob and no temp file', async () => {
  const cache = await freshCache();
  const digest = digestOf(Buffer.from('partial'));
  const writer = await cache.createWriter(digest);
  await writer.write(Buffer.from('part'));
  assert.equal(await cache.has(digest), false, 'invisible before commit');
  await writer.abort();
  assert.equal(await cache.has(digest), false);
  assert.deepEqual(await readdir(join(cache.dir, 'tmp')), []);
});

test('a cached file of the wrong size is a miss and is removed', async () => {
  const cache = await freshCache();
  const bytes = Buffer.from('twelve bytes');
  const digest = digestOf(bytes);
  await cache.put(digest, bytes);
  assert.equal(await cache.open(digest, 99), undefined);
  assert.equal(await cache.has(digest), false);
  assert.equal(await cache.open(digestOf(Buffer.from('never stored'))), undefined);
});

test('prune removes least recently used blobs first, and a read counts as use', async () => {
  const cache = await freshCache();
  const blobs = ['old', 'middle', 'new'].map((name) => Buffer.from(name.padEnd(100, '.')));
  const digests = blobs.map(digestOf);
  for (const [i, bytes] of blobs.entries()) {
    await cache.put(digests[i] as Digest, bytes);
    const t = new Date(Date.UTC(2026, 0, 1, 0, i));
    await utimes(cache.pathOf(digests[i] as Digest), t, t);
  }
  // reading "old" makes it the most recently used
  const reread = await cache.open(digests[0] as Digest);
  reread?.destroy();
  const result = await cache.prune({ maxBytes: 150 });
  assert.deepEqual(
    result.removed.map((e) => e.digest),
    [digests[1], digests[2]],
  );
  assert.equal(result.removedBytes, 200);
  assert.equal(result.remainingBytes, 100);
  assert.equal(result.remainingEntries, 1);
  assert.equal(await cache.has(digests[0] as Digest), true);
  assert.deepEqual((await cache.prune({ maxBytes: 0 })).removed.length, 1);
  assert.equal((await cache.info()).entries, 0);
});

test('a cache with maxBytes prunes itself after each write', async () => {
  const cache = await freshCache(250);
  for (let i = 0; i < 5; i++) {
    const bytes = Buffer.alloc(100, i);
    await cache.put(digestOf(bytes), bytes);
  }
  const info = await cache.info();
  assert.ok(info.bytes <= 250, `${info.bytes} bytes cached`);
  assert.equal(await cache.has(digestOf(Buffer.alloc(100, 4))), true, 'the newest blob stays');
});

test('prune clears temp files of crashed writers, but not fresh ones', async () => {
  const cache = await freshCache();
  await mkdir(join(cache.dir, 'tmp'), { recursive: true });
  await writeFile(join(cache.dir, 'tmp', 'stale'), 'x');
  await writeFile(join(cache.dir, 'tmp', 'fresh'), 'x');
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  await utimes(join(cache.dir, 'tmp', 'stale'), old, old);
  await cache.prune({ maxBytes: 0 });
  assert.deepEqual(await readdir(join(cache.dir, 'tmp')), ['fresh']);
});

test('files that are not digests are ignored by listing and pruning', async () => {
  const cache = await freshCache();
  await mkdir(join(cache.dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(cache.dir, 'blobs', 'sha256', 'README'), 'not a blob');
  assert.deepEqual(await cache.entries(), []);
  await cache.prune({ maxBytes: 0 });
  assert.deepEqual(await readdir(join(cache.dir, 'blobs', 'sha256')), ['README']);
});

test('sizes parse with binary letters and decimal kB/MB/GB, and bad input is a USAGE error', () => {
  assert.equal(parseSize('500M'), 500 * 1024 ** 2);
  assert.equal(parseSize('2GiB'), 2 * 1024 ** 3);
  assert.equal(parseSize('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(parseSize('3GB'), 3e9);
  assert.equal(parseSize('1024'), 1024);
  assert.equal(parseSize('0'), 0);
  for (const bad of ['', 'ten', '5X', '-1G', '1e9']) {
    assert.throws(
      () => parseSize(bad),
      (error) => isSgciError(error, 'USAGE'),
      bad,
    );
  }
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(1536), '1.5 KiB');
  assert.equal(formatSize(10 * 1024 ** 3), '10.0 GiB');
});
