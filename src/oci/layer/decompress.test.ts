import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { decompressChunks } from './decompress.ts';

/** 3 MiB of varied bytes: more than one output buffer, compressible but not trivially. */
const original = Buffer.from(
  Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i % 4096 < 2048 ? i % 7 : (i * 31) % 256)),
);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function inflate(blob: Buffer, compression: 'gzip' | 'zstd', viaStream: boolean, chunk = 10_000) {
  const pieces: Buffer[] = [];
  for (let i = 0; i < blob.length; i += chunk) pieces.push(blob.subarray(i, i + chunk));
  const out: Buffer[] = [];
  // Chunks are views into a reused buffer: copy each before asking for the next.
  for await (const c of decompressChunks(Readable.from(pieces), compression, { viaStream })) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

for (const [compression, compress] of [
  ['gzip', gzipSync],
  ['zstd', zstdCompressSync],
] as const) {
  for (const viaStream of [false, true]) {
    test(`${compression} ${viaStream ? 'through the zlib stream fallback' : 'synchronously into one buffer'} gives the original bytes`, async () => {
      assert.equal(sha(await inflate(compress(original), compression, viaStream)), sha(original));
    });
  }
  test(`${compression}: a truncated stream fails on both paths`, async () => {
    const blob = compress(original);
    const truncated = blob.subarray(0, Math.floor(blob.length * 0.6));
    for (const viaStream of [false, true]) await assert.rejects(inflate(truncated, compression, viaStream));
  });
}

test('gzip: damaged data fails its CRC on both paths (zstd frames carry no checksum by default: the diffID catches those)', async () => {
  const blob = gzipSync(original);
  const broken = Buffer.concat([blob.subarray(0, 40), Buffer.alloc(200, 0x55), blob.subarray(240)]);
  for (const viaStream of [false, true]) await assert.rejects(inflate(broken, 'gzip', viaStream));
});

test('trailing zero padding after a gzip stream is ignored', async () => {
  const blob = Buffer.concat([gzipSync(original), Buffer.alloc(1000)]);
  assert.equal(sha(await inflate(blob, 'gzip', false)), sha(original));
});
