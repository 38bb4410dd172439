import { describe, type ErrorCode, SgciError } from './errors.ts';

/**
 * How deep an untrusted JSON document may nest. Real SBOMs, VEX and OSV records stay below 30 levels; a document
 * nested 100k deep parses, but every recursive walk over it (a component tree, `JSON.stringify`) overflows the
 * stack and ends in an uncoded RangeError.
 */
export const maxJsonDepth = 512;

/**
 * The nesting depth of a JSON text when it exceeds `max` (the first place it does, as a character offset), or
 * undefined. One pass over the characters that skips strings, before JSON.parse builds anything.
 */
export function jsonDepthExceeded(text: string, max = maxJsonDepth): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to the next quote not escaped by an odd run of backslashes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return undefined;
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
