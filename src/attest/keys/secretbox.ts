import { timingSafeEqual } from 'node:crypto';
import { poly1305 } from './poly1305.ts';
import { xsalsa20Xor } from './salsa20.ts';

/** NaCl crypto_secretbox (XSalsa20-Poly1305) in Go's layout: 16-byte tag, then the ciphertext. */
export const secretboxOverhead = 16;

/** Encrypts and authenticates `message` with a 32-byte key and a 24-byte nonce. */
export function secretboxSeal(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  // The first 32 key-stream bytes become the one-time Poly1305 key; the message uses the stream after them.
  const padded = new Uint8Array(32 + message.length);
  padded.set(message, 32);
  const stream = xsalsa20Xor(key, nonce, padded);
  const ciphertext = stream.subarray(32);
  const tag = poly1305(stream.subarray(0, 32), ciphertext);
  const out = new Uint8Array(secretboxOverhead + ciphertext.length);
  out.set(tag, 0);
  out.set(ciphertext, secretboxOverhead);
  return out;
}

/** The plaintext, or undefined when the box does not authenticate under this key (wrong password or tampering). */
export function secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | undefined {
  if (box.length < secretboxOverhead) return undefined;
  const tag = box.subarray(0, secretboxOverhead);
  const ciphertext = box.subarray(secretboxOverhead);
  const padded = new Uint8Array(32 + ciphertext.length);
  padded.set(ciphertext, 32);
  // XOR with zeros in front yields the one-time key; XOR with the ciphertext yields the plaintext.
  const stream = xsalsa20Xor(key, nonce, padded);
  const expected = poly1305(stream.subarray(0, 32), ciphertext);
  if (!timingSafeEqual(expected, tag)) return undefined;
  return stream.slice(32);
}
