import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { decompressIndex } from './decompress.ts';

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
