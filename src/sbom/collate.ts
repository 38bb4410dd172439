/**
 * `a.localeCompare(b)`, the order the CycloneDX library sorts with, without ICU's collator where it is not needed.
 * The first `localeCompare` of a process builds that collator: ~6 ms, 4 % of `sgci sbom` of a small image (issue 17).
 * Where the default locale collates as CLDR's root collation does and both strings are printable ASCII, the order is
 * known without it: every such character is one collation element, compared first by its primary weight (the
 * position of its lower case in `rootOrder`, so `a` and `A` tie) over the whole string, a shorter prefix first; on a
 * tie, the first position whose case differs decides, lower case first. Anything else is `localeCompare` itself.
 * `collate.test.ts` holds both to the same sign on generated strings.
 */

/** Printable ASCII in the root collation's order (`localeCompare` sorting under `en-US`). */
const rootOrder = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ';

/** Primary weight per character code, 0 for a character outside the fast path (control characters, non-ASCII). */
const primary = new Uint8Array(128);
for (let i = 0, weight = 0; i < rootOrder.length; i++) {
  const code = rootOrder.charCodeAt(i);
  const lower = code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
  if (lower === code) weight++;
  primary[code] = weight;
}

/**
 * Default locales whose collation orders printable ASCII as the root collation does. `navigator.language` is
 * V8's default locale, the one `localeCompare` uses, read without building a collator.
 */
const rootLocales = new Set(['en-US', 'en', 'und']);
let rootCollation: boolean | undefined;

function isUpper(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}

/**
 * The root collation's order of two strings of printable ASCII (-1, 0 or 1), undefined where either holds another
 * character.
 */
export function rootCompare(a: string, b: string): number | undefined {
  for (let i = 0; i < a.length; i++) if ((primary[a.charCodeAt(i)] ?? 0) === 0) return undefined;
  for (let i = 0; i < b.length; i++) if ((primary[b.charCodeAt(i)] ?? 0) === 0) return undefined;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = primary[a.charCodeAt(i)] as number;
    const y = primary[b.charCodeAt(i)] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const x = isUpper(a.charCodeAt(i));
    if (x !== isUpper(b.charCodeAt(i))) return x ? 1 : -1;
  }
  return 0;
}

/** `a.localeCompare(b)` in sign: the root collation's order where the default locale and both strings allow it. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  rootCollation ??= rootLocales.has(globalThis.navigator?.language ?? '');
  return (rootCollation ? rootCompare(a, b) : undefined) ?? a.localeCompare(b);
}
