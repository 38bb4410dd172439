/**
 * Header fields as Go's archive/tar reads them: Docker, containerd and podman all unpack layers
 * with it, so a field it rejects makes every runtime refuse the layer, and a value it reads is the
 * value on disk. Each rule here names the Go behaviour it follows.
 */

export const blockSize = 512;

/** Where the header formats differ (Go's `getFormat`): magic, version and the star trailer. */
export type TarFormat = 'v7' | 'ustar' | 'gnu' | 'star';

export function headerFormat(h: Uint8Array, base = 0): TarFormat {
  // "ustar\0" is POSIX whatever its version field says; "ustar " needs GNU's version " \0" too.
  const m = base + 257;
  if (h[m] === 0x75 && h[m + 1] === 0x73 && h[m + 2] === 0x74 && h[m + 3] === 0x61 && h[m + 4] === 0x72) {
    if (h[m + 5] === 0) {
      const t = base + 508;
      return h[t] === 0x74 && h[t + 1] === 0x61 && h[t + 2] === 0x72 && h[t + 3] === 0 ? 'star' : 'ustar';
    }
    if (h[m + 5] === 0x20 && h[m + 6] === 0x20 && h[m + 7] === 0) return 'gnu';
  }
  return 'v7';
}

/**
 * An octal field: spaces and NULs trimmed from both ends, cut at the first NUL, then nothing but
 * octal digits (`strconv.ParseUint(s, 8, 64)`). Undefined when Go would fail the header.
 */
export function parseOctal(h: Uint8Array, start: number, length: number): number | undefined {
  let from = start;
  let to = start + length;
  while (from < to && (h[from] === 0x20 || h[from] === 0)) from++;
  while (to > from && (h[to - 1] === 0x20 || h[to - 1] === 0)) to--;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = h[i] as number;
    if (c === 0) break;
    if (c < 0x30 || c > 0x37) return undefined;
    n = n * 8 + (c - 0x30);
  }
  return n;
}

/**
 * A numeric field: GNU base-256 when the top bit of the first byte is set (two's complement, so
 * negative when the next bit is set too; more than 63 bits is an error), else octal. Values beyond
 * 2^53 come back inexact: every caller bounds its field far below that.
 */
export function parseNumeric(h: Uint8Array, start: number, length: number): number | undefined {
  const first = h[start] as number;
  if ((first & 0x80) === 0) return parseOctal(h, start, length);
  const invert = first & 0x40 ? 0xff : 0;
  let x = 0n;
  for (let i = start; i < start + length; i++) {
    let c = (h[i] as number) ^ invert;
    if (i === start) c &= 0x7f;
    if (x >> 56n > 0n) return undefined;
    x = (x << 8n) | BigInt(c);
  }
  if (x >> 63n > 0n) return undefined;
  return Number(invert ? -x - 1n : x);
}

/**
 * The checksum: the field read as octal, equal to the sum of all bytes (unsigned or, as Sun tar did, signed) with
 * the field itself counted as spaces. The header block starts at `base`. Every header of every layer passes here,
 * mostly before V8 has compiled this: a block on a 4-byte boundary is summed a word at a time (two 16-bit lanes
 * in one number, which 126 words cannot overflow), and the signed sum is counted only when the unsigned one
 * differs.
 */
export function checksumValid(h: Uint8Array, base = 0): boolean {
  const stored = parseOctal(h, base + 148, 8);
  if (stored === undefined) return false;
  let unsigned = 8 * 0x20;
  const at = h.byteOffset + base;
  if ((at & 3) === 0) {
    const words = new Uint32Array(h.buffer, at, blockSize / 4);
    let lanes = 0;
    for (let i = 0; i < 37; i++) {
      const w = words[i] as number;
      lanes += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
    }
    for (let i = 39; i < 128; i++) {
      const w = words[i] as number;
      lanes += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
    }
    unsigned += (lanes % 0x10000) + Math.floor(lanes / 0x10000);
  } else {
    for (let i = base; i < base + 148; i++) unsigned += h[i] as number;
    for (let i = base + 156; i < base + blockSize; i++) unsigned += h[i] as number;
  }
  if (stored === unsigned) return true;
  // signed, each byte above 127 counts 256 less
  let high = 0;
  for (let i = base; i < base + blockSize; i++)
    if ((h[i] as number) > 127 && (i < base + 148 || i >= base + 156)) high++;
  return stored === unsigned - 256 * high;
}

export function isZeroBlock(h: Uint8Array, base = 0): boolean {
  for (let i = base; i < base + blockSize; i++) if (h[i] !== 0) return false;
  return true;
}

/** The bytes of a NUL-terminated field (Go's `parseString`: everything when there is no NUL). */
export function cBytes(h: Uint8Array, start: number, length: number): Uint8Array {
  const end = h.indexOf(0, start);
  return h.subarray(start, end < 0 || end > start + length ? start + length : end);
}

/** Whether every byte is below 0x80 (Go's `isASCII` of a NUL-free string). */
export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * File names are bytes, and runtimes create them byte for byte. Valid UTF-8 decodes as usual; a
 * byte that is not part of valid UTF-8 becomes the lone surrogate U+DC80+byte (Python's
 * surrogateescape). The mapping is one-to-one, so two names that differ on disk never collapse into
 * one (UTF-8 decoding with U+FFFD would merge `\xff` and `\xfe`, and one file could hide another).
 */
export function decodeName(bytes: Uint8Array): string {
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return escapeInvalidUtf8(bytes);
  }
}

/**
 * `decodeName(cBytes(h, start, length))` without the views in between, for the header's own name fields: one loop
 * finds the NUL and whether all is ASCII (nearly every name), which then is the bytes as latin1.
 */
export function decodeField(h: Buffer, start: number, length: number): string {
  const limit = start + length;
  let end = start;
  let ascii = true;
  for (; end < limit; end++) {
    const c = h[end] as number;
    if (c === 0) break;
    if (c >= 0x80) ascii = false;
  }
  if (end === start) return '';
  return ascii ? h.toString('latin1', start, end) : decodeName(h.subarray(start, end));
}

function escapeInvalidUtf8(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(0xdc00 + (bytes[i] as number));
      i++;
    } else {
      out += utf8.decode(bytes.subarray(i, i + length));
      i += length;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (at: number, low = 0x80, high = 0xbf) => {
    const b = bytes[at];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/** The name bytes back from `decodeName`, for tests and for writing names out. */
export function encodeName(name: string): Buffer {
  const parts: Buffer[] = [];
  let run = '';
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xdc80 && code <= 0xdcff) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.of(code - 0xdc00));
    } else {
      run += char;
    }
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** Go's `strconv.ParseInt(s, 10, 64)`: an optional sign, decimal digits, nothing else. Undefined if invalid. */
export function parseGoInt(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) return undefined;
  return Number(value);
}

/**
 * A PAX time (`secs[.frac]`, Go's `parsePAXTime`), as whole seconds rounded down the way the file
 * system stores it: `-1.5` is 1.5 s before the epoch, so -2.
 */
export function parsePaxTime(text: string): number | undefined {
  const dot = text.indexOf('.');
  const whole = dot < 0 ? text : text.slice(0, dot);
  const fraction = dot < 0 ? '' : text.slice(dot + 1);
  const seconds = parseGoInt(whole);
  if (seconds === undefined || !/^[0-9]*$/.test(fraction)) return undefined;
  const nanos = fraction.slice(0, 9);
  return whole.startsWith('-') && /[1-9]/.test(nanos) ? seconds - 1 : seconds;
}
