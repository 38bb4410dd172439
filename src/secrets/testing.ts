import { createHash } from 'node:crypto';

const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A deterministic random-looking string for tests: secrets in tests are generated, never written as
 * literals, so no token-shaped string sits in the repository and every test knows its planted values.
 */
export function fakeSecret(label: string, length: number, alphabet = alnum): string {
  let out = '';
  for (let counter = 0; out.length < length; counter++) {
    for (const byte of createHash('sha256').update(`${label}-${counter}`).digest()) {
      if (out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export const base64Alphabet = `${alnum}+/`;
export const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const hexAlphabet = '0123456789abcdef';

/** Wraps base64 at 70 columns like ssh-keygen and PEM writers. */
export function wrap(base64: string, width = 70): string {
  return base64.match(new RegExp(`.{1,${width}}`, 'g'))?.join('\n') ?? '';
}

/** Asserts helper: the serialised output must not contain any planted value (nor a 12-character piece of it). */
export function leakedValues(output: string, values: readonly string[]): string[] {
  const leaked: string[] = [];
  for (const value of values) {
    if (value.length === 0) continue;
    if (output.includes(value)) {
      leaked.push(`<${value.length}-char value>`);
      continue;
    }
    for (let i = 0; i + 12 <= value.length; i += 6) {
      if (output.includes(value.slice(i, i + 12))) {
        leaked.push(`<piece of a ${value.length}-char value>`);
        break;
      }
    }
  }
  return leaked;
}
