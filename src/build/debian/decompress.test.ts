import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isSgciError } from '../../core/index.ts';
import { decompressIndex, GunzipAsItComes } from './decompress.ts';

/** Index-like text: stanzas, with noise enough that the .xz passes the size a worker is started for. */
function indexLike(stanzas: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < stanzas; i++)
    parts.push(`Package: p${i}\nVersion: 1.${i}\nDescription: ${randomBytes(96).toString('base64')}\n\n`);
  return Buffer.from(parts.join(''));
}

const xz = (bytes: Buffer) => execFileSync('xz', ['-c', '-1'], { input: bytes, maxBuffer: 1 << 30 });

test('a large .xz index decompresses in a worker to the bytes a small one gives here, and keeps to its bound', async () => {
  const text = indexLike(20_000);
  const large = xz(text);
  assert.ok(large.length > 1024 * 1024, `${large.length} bytes of xz: enough for the worker`);
  const small = xz(text.subarray(0, 50_000));
  assert.ok(small.length < 1024 * 1024);
  const input = 'https://mirror.example/debian/dists/bookworm/main/binary-amd64/Packages.xz';
  assert.ok(Buffer.from(await decompressIndex(large, 'Packages.xz', 1 << 30, input)).equals(text));
  // sized by the Release's entry for the plain index, or grown past a size that was wrong
  for (const expected of [text.length, 1000, text.length + 5])
    assert.ok(Buffer.from(await decompressIndex(large, 'Packages.xz', 1 << 30, input, expected)).equals(text));
  assert.ok(Buffer.from(await decompressIndex(small, 'Packages.xz', 1 << 30, input)).equals(text.subarray(0, 50_000)));
  await assert.rejects(
    decompressIndex(large, 'Packages.xz', text.length - 1, input),
    (e) => isSgciError(e, 'LIMIT_EXCEEDED') && e.message.startsWith(`${input}: decompresses to more than`),
  );
  const broken = Buffer.from(large);
  broken.fill(0x55, 1000, 200_000);
  await assert.rejects(
    decompressIndex(broken, 'Packages.xz', 1 << 30, input),
    (e) => isSgciError(e, 'REPOSITORY_INVALID') && e.message.startsWith(`${input}: cannot decompress xz`),
  );
});

test('a .gz inflated piece by piece as it downloads gives the text once its pieces are the verified file', async () => {
  const text = indexLike(20_000);
  const gz = gzipSync(text);
  const expected = { sha256: createHash('sha256').update(gz).digest('hex'), size: gz.length };
  const input = 'https://mirror.example/debian/dists/bookworm/main/binary-amd64/Packages.gz';
  const inPieces = (asItComes: GunzipAsItComes, bytes: Buffer, size: number) => {
    for (let at = 0; at < bytes.length; at += size) asItComes.write(bytes.subarray(at, at + size));
  };
  // sized by the Release's plain entry (one buffer, no copy at the end), wrongly sized, or not sized at all
  for (const expectedBytes of [text.length, text.length - 100, 1000, undefined]) {
    const asItComes = new GunzipAsItComes(1 << 30, input, expectedBytes);
    inPieces(asItComes, gz, 16_384);
    assert.ok(Buffer.from((await asItComes.end(expected)) ?? []).equals(text), `sized ${expectedBytes}`);
    assert.equal(asItComes.textSha256, createHash('sha256').update(text).digest('hex'), 'hashed as it came');
  }
  // pieces that are not the verified file (another request fetched it, or the cache had it): nothing to take
  const short = new GunzipAsItComes(1 << 30, input, text.length);
  inPieces(short, gz.subarray(0, gz.length - 1), 65_536);
  assert.equal(await short.end(expected), undefined);
  const other = Buffer.from(gz);
  other.writeUInt8(other.readUInt8(other.length - 1) ^ 1, other.length - 1);
  const changed = new GunzipAsItComes(1 << 30, input, text.length);
  inPieces(changed, other, 65_536);
  assert.equal(await changed.end(expected), undefined, 'same size, another sha256');
  // bounded while it inflates, and corrupt input named
  const bounded = new GunzipAsItComes(text.length - 1, input);
  inPieces(bounded, gz, 65_536);
  await assert.rejects(
    bounded.end(expected),
    (e) => isSgciError(e, 'LIMIT_EXCEEDED') && e.message.startsWith(`${input}: decompresses to more than`),
  );
  const broken = Buffer.from(gz);
  broken.fill(0x55, 100, 5000);
  const brokenSum = { sha256: createHash('sha256').update(broken).digest('hex'), size: broken.length };
  const corrupt = new GunzipAsItComes(1 << 30, input);
  inPieces(corrupt, broken, 65_536);
  await assert.rejects(
    corrupt.end(brokenSum),
    (e) => isSgciError(e, 'REPOSITORY_INVALID') && e.message.startsWith(`${input}: cannot decompress`),
  );
  // stopped before its end (the download failed): nothing left running, nothing thrown
  const stopped = new GunzipAsItComes(1 << 30, input);
  inPieces(stopped, gz.subarray(0, 100_000), 65_536);
  stopped.abort();
});
