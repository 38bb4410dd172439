import { describe, type ErrorCode, SgciError } from './errors.ts';

/**
 * How deep an untrusted JSON document may nest. Real SBOMs, VEX and OSV records stay below 30 levels; a document
 * nested 100k deep parses, but every recursive walk over it (a component tree, `JSON.stringify`) overflows the
 * stack and ends in an uncoded RangeError.
 */
export const maxJsonDepth = 512;

/**
 * The offset where a JSON text first nests deeper than `max`, or undefined. One pass before JSON.parse builds
 * anything; strings are skipped to their closing quote with `indexOf`, so long values cost next to nothing.
 */
export function jsonDepthExceeded(text: string, max = maxJsonDepth): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = stringEnd(text, i + 1) - 1;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** The offset after the quote that closes the string starting at `from`: one not escaped by an odd run of backslashes. */
function stringEnd(text: string, from: number): number {
  for (let quote = text.indexOf('"', from); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
  return text.length;
}

/**
 * JSON.parse for untrusted documents: a syntax error or nesting deeper than `maxJsonDepth` is an SgciError with
 * `code` naming `input`, one line, never a RangeError from a walk that comes later.
 */
export function parseUntrustedJson(text: string, input: string, code: ErrorCode, what: string): unknown {
  const at = jsonDepthExceeded(text);
  if (at !== undefined)
    throw new SgciError(code, input, `${what} nests deeper than ${maxJsonDepth} levels (at character ${at})`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SgciError(code, input, `${what} is not JSON: ${describe(error)}`, { cause: error });
  }
}

/**
 * JSON with object keys in code-unit order at every level: the bytes a document is served and digested as, the same
 * after a round trip through a database that reorders keys (PostgreSQL's jsonb does).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedCopy(value, ''));
}

/**
 * The value with every object's keys inserted in code-unit order, for JSON.stringify to write as it enumerates them
 * (array-index keys first, as any object does). A third faster than sorting in a replacer, which copies each object
 * through its entries: catalogue results of 100–300 KB are digested on every re-evaluation.
 */
function sortedCopy(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return sortedCopy((value as { toJSON(key: string): unknown }).toJSON(key), key);
  if (Array.isArray(value)) return value.map((item, i) => sortedCopy(item, String(i)));
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(source).sort()) {
    const item = sortedCopy(source[k], k);
    // a plain assignment to `__proto__` would set the copy's prototype instead of a key
    if (k === '__proto__') Object.defineProperty(copy, k, { value: item, enumerable: true, writable: true });
    else copy[k] = item;
  }
  return copy;
}
