import { maxJsonDepth, SgciError } from '../../core/index.ts';

const quote = 0x22;
const backslash = 0x5c;
const vulnerabilitiesKey = Buffer.from('"vulnerabilities"');

/**
 * Whether bytes are an NVD CVE JSON 2.0 document (API answer or feed): its head names `"format": "NVD_CVE"`, which
 * NVD writes before the `vulnerabilities` array.
 */
export function looksLikeNvdFeed(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString('latin1');
  return /"format"\s*:\s*"NVD_CVE"/.test(head);
}

/** The offset after the quote that closes the string whose opening quote is at `open`. */
function stringEnd(bytes: Buffer, open: number): number {
  for (let at = bytes.indexOf(quote, open + 1); at !== -1; at = bytes.indexOf(quote, at + 1)) {
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === backslash) backslashes++;
    if (backslashes % 2 === 0) return at + 1;
  }
  return bytes.length;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The end of a number, `true`, `false` or `null`: the next `,`, `]` or blank. */
function scalarEnd(bytes: Buffer, from: number): number {
  let at = from;
  while (at < bytes.length && bytes[at] !== 0x2c && bytes[at] !== 0x5d && !isBlank(bytes[at] as number)) at++;
  return at;
}

/**
 * The items of the top-level `vulnerabilities` array of an NVD document, each as its own JSON text, without
 * parsing or decoding the document whole: a yearly feed is hundreds of MB, more than one JS string may hold.
 * Structure bytes (quotes, brackets) never occur inside UTF-8 sequences, so scanning bytes is exact. An item
 * larger than `maxItemBytes` or nesting past `maxJsonDepth` is refused naming `input`.
 */
export function* nvdFeedItems(bytes: Uint8Array, input: string, maxItemBytes: number): Generator<string> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let depth = 0;
  let lastString = -1;
  let lastStringEnd = -1;
  let inArray = false;
  let itemStart = -1;
  for (let i = 0; i < buffer.length; i++) {
    const c = buffer[i] as number;
    if (depth === 2 && inArray && c !== 0x7b && c !== 0x5b && c !== 0x5d && c !== 0x2c && !isBlank(c)) {
      // An item that is not an object: handed on as it is, for the reader to report as invalid.
      const end = c === quote ? stringEnd(buffer, i) : scalarEnd(buffer, i);
      yield buffer.toString('utf8', i, end);
      i = end - 1;
    } else if (c === quote) {
      const end = stringEnd(buffer, i);
      if (depth === 1) {
        lastString = i;
        lastStringEnd = end;
      }
      i = end - 1;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 1 && c === 0x5b) {
        inArray =
          lastStringEnd - lastString === vulnerabilitiesKey.length &&
          buffer.subarray(lastString, lastStringEnd).equals(vulnerabilitiesKey);
      } else if (depth === 2 && inArray) itemStart = i;
      if (++depth > maxJsonDepth)
        throw new SgciError('ADVISORY_INVALID', input, `nests deeper than ${maxJsonDepth} levels (at byte ${i})`);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 2 && inArray && itemStart >= 0) {
        if (i + 1 - itemStart > maxItemBytes)
          throw new SgciError(
            'LIMIT_EXCEEDED',
            input,
            `a CVE record of ${i + 1 - itemStart} bytes exceeds ${maxItemBytes}`,
          );
        yield buffer.toString('utf8', itemStart, i + 1);
        itemStart = -1;
      } else if (depth === 1) inArray = false;
    }
  }
}
