import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { poly1305 } from './poly1305.ts';
import { hsalsa20, xsalsa20Xor } from './salsa20.ts';
import { secretboxOpen, secretboxSeal } from './secretbox.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/[\s:]/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
// NaCl's published test key and nonce (tests/secretbox.c, stream.c, core2.c).
const firstkey = hex('1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389');
const nonce = hex('69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37');

test('HSalsa20 matches the NaCl core2 vector (xsalsa paper)', () => {
  assert.equal(
    toHex(hsalsa20(firstkey, nonce.subarray(0, 16))),
    'dc908dda0b9344a953629b733820778880f3ceb421bb61b91cbd4c3e66256ce4',
  );
});

test('XSalsa20 key stream of 91101 bytes hashes to the published value', () => {
  // NaCl tests/stream.c prints sha256 of crypto_stream(4194304 bytes) for firstkey/nonce; 91101 bytes
  // is LibTomCrypt's shorter variant of the same published check.
  const stream = xsalsa20Xor(firstkey, nonce, new Uint8Array(91101));
  assert.equal(
    createHash('sha256').update(stream).digest('hex'),
    '6a60576527e000516db0da604620f6d095654539f486834364dfd95a6f3fbeb7',
  );
});

test('Poly1305 matches RFC 8439 section 2.5.2', () => {
  const key = hex('85:d6:be:78:57:55:6d:33:7f:44:52:fe:42:d5:06:a8:01:03:80:8a:fb:0d:b2:fd:4a:bf:f6:af:41:49:f5:1b');
  const tag = poly1305(key, new TextEncoder().encode('Cryptographic Forum Research Group'));
  assert.equal(toHex(tag), 'a8061dc1305136c6c22b8baf0c0127a9');
});

test('secretbox agrees with libsodium for messages of 0 to 1000 bytes, both ways', () => {
  const data = JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', 'secretbox-libsodium.json'), 'utf8')) as {
    key: string;
    nonce: string;
    vectors: { message: string; box: string }[];
  };
  assert.equal(data.vectors.length, 10);
  for (const vector of data.vectors) {
    const box = secretboxSeal(hex(vector.message), hex(data.nonce), hex(data.key));
    assert.equal(toHex(box), vector.box);
    assert.equal(toHex(secretboxOpen(hex(vector.box), hex(data.nonce), hex(data.key))!), vector.message);
  }
});

test('secretbox refuses a flipped bit, a wrong key and a truncated box', () => {
  const box = secretboxSeal(new TextEncoder().encode('attack at dawn'), nonce, firstkey);
  for (const index of [0, 15, 16, box.length - 1]) {
    const tampered = box.slice();
    tampered[index]! ^= 1;
    assert.equal(secretboxOpen(tampered, nonce, firstkey), undefined, `bit flip at ${index}`);
  }
  const otherKey = firstkey.slice();
  otherKey[0]! ^= 0x80;
  assert.equal(secretboxOpen(box, nonce, otherKey), undefined);
  assert.equal(secretboxOpen(box.subarray(0, 10), nonce, firstkey), undefined);
});
