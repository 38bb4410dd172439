/**
 * Poly1305 one-time authenticator (RFC 8439 section 2.5). BigInt arithmetic keeps it short and obviously
 * right; it only ever authenticates small key files, so speed does not matter here.
 */

const p = (1n << 130n) - 5n;
const clampMask = 0x0ffffffc0ffffffc0ffffffc0fffffffn;

function littleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/** The 16-byte tag of `message` under a 32-byte one-time key. */
export function poly1305(key: Uint8Array, message: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new RangeError(`poly1305 key must be 32 bytes, got ${key.length}`);
  const r = littleEndian(key.subarray(0, 16)) & clampMask;
  const s = littleEndian(key.subarray(16, 32));
  let accumulator = 0n;
  for (let offset = 0; offset < message.length; offset += 16) {
    const chunk = message.subarray(offset, offset + 16);
    // Each block gets a 0x01 byte appended: the high bit marks its length.
    const n = littleEndian(chunk) | (1n << BigInt(8 * chunk.length));
    accumulator = ((accumulator + n) * r) % p;
  }
  let tag = (accumulator + s) & ((1n << 128n) - 1n);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    out[i] = Number(tag & 0xffn);
    tag >>= 8n;
  }
  return out;
}
