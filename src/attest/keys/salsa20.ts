/**
 * Salsa20/20, HSalsa20 and XSalsa20 from D. J. Bernstein's specifications ("Salsa20 specification",
 * "Extending the Salsa20 nonce"). node:crypto has no Salsa20, and cosign's encrypted key format needs
 * NaCl secretbox (XSalsa20-Poly1305), so the core lives here; it is checked against NaCl's published vectors.
 */

// "expand 32-byte k" as four little-endian words.
const sigma = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

function rotl(value: number, shift: number): number {
  return (value << shift) | (value >>> (32 - shift));
}

function readWord(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

function writeWord(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

/** Ten double rounds (column round, then row round) over `x` in place. */
function doubleRounds(x: Uint32Array): void {
  const quarter = (a: number, b: number, c: number, d: number): void => {
    x[b] = x[b]! ^ rotl((x[a]! + x[d]!) | 0, 7);
    x[c] = x[c]! ^ rotl((x[b]! + x[a]!) | 0, 9);
    x[d] = x[d]! ^ rotl((x[c]! + x[b]!) | 0, 13);
    x[a] = x[a]! ^ rotl((x[d]! + x[c]!) | 0, 18);
  };
  for (let round = 0; round < 10; round++) {
    quarter(0, 4, 8, 12);
    quarter(5, 9, 13, 1);
    quarter(10, 14, 2, 6);
    quarter(15, 3, 7, 11);
    quarter(0, 1, 2, 3);
    quarter(5, 6, 7, 4);
    quarter(10, 11, 8, 9);
    quarter(15, 12, 13, 14);
  }
}

/** The 16-word input state: constants on the diagonal, key around them, 16 bytes of `input` in the middle. */
function initialState(key: Uint8Array, input: Uint8Array): Uint32Array {
  const state = new Uint32Array(16);
  state[0] = sigma[0];
  state[5] = sigma[1];
  state[10] = sigma[2];
  state[15] = sigma[3];
  for (let i = 0; i < 4; i++) {
    state[1 + i] = readWord(key, 4 * i);
    state[11 + i] = readWord(key, 16 + 4 * i);
    state[6 + i] = readWord(input, 4 * i);
  }
  return state;
}

function requireLength(name: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) throw new RangeError(`${name} must be ${length} bytes, got ${bytes.length}`);
}

/** HSalsa20: derives a 32-byte subkey from a 32-byte key and 16 bytes of nonce. */
export function hsalsa20(key: Uint8Array, input: Uint8Array): Uint8Array {
  requireLength('key', key, 32);
  requireLength('input', input, 16);
  const x = initialState(key, input);
  doubleRounds(x);
  const out = new Uint8Array(32);
  const picks = [0, 5, 10, 15, 6, 7, 8, 9] as const;
  picks.forEach((word, i) => {
    writeWord(out, 4 * i, x[word]!);
  });
  return out;
}

/** XORs `data` with the Salsa20/20 key stream for (key, 8-byte nonce), block counter from 0. */
function salsa20Xor(key: Uint8Array, nonce8: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  const input = new Uint8Array(16);
  input.set(nonce8, 0);
  const block = new Uint8Array(64);
  const x = new Uint32Array(16);
  let counter = 0n;
  for (let offset = 0; offset < data.length; offset += 64) {
    for (let i = 0; i < 8; i++) input[8 + i] = Number((counter >> BigInt(8 * i)) & 0xffn);
    const state = initialState(key, input);
    x.set(state);
    doubleRounds(x);
    for (let i = 0; i < 16; i++) writeWord(block, 4 * i, (x[i]! + state[i]!) >>> 0);
    const end = Math.min(64, data.length - offset);
    for (let i = 0; i < end; i++) out[offset + i] = data[offset + i]! ^ block[i]!;
    counter++;
  }
  return out;
}

/** XSalsa20: XORs `data` with the key stream for a 32-byte key and a 24-byte nonce. */
export function xsalsa20Xor(key: Uint8Array, nonce: Uint8Array, data: Uint8Array): Uint8Array {
  requireLength('key', key, 32);
  requireLength('nonce', nonce, 24);
  const subkey = hsalsa20(key, nonce.subarray(0, 16));
  return salsa20Xor(subkey, nonce.subarray(16, 24), data);
}
