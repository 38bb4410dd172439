/**
 * A version ordering: the one question vulnerability ranges ask of an ecosystem.
 * `valid` says whether the ecosystem's own tool accepts the string; range evaluation asks it first and refuses to
 * decide anything about an invalid version. `compare` returns <0, 0, >0, throws nothing and is a total order over
 * all strings (ranges and fix lists are sorted with it): valid versions in the tool's order, then invalid ones by
 * code unit, so garbage can never land between two real versions.
 */
export interface VersionScheme {
  readonly name: string;
  valid(version: string): boolean;
  compare(a: string, b: string): number;
}

/** Sign of a number as -1/0/1, so callers can compare results with === . */
export function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function isAlpha(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/** Compares two digit strings numerically without Number overflow (versions carry dates like 20240101123456). */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Code-unit order, the tie-breaker for strings no ordering understands. */
export function compareCodeUnits(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Longest version string any ordering parses; longer input is invalid (no advisory or package needs more). */
export const maxVersionLength = 256;

/** Parsed versions kept per scheme; cleared wholesale when full, so memory stays bounded. */
const cacheSize = 10_000;

/**
 * Builds a scheme from a parser and an order over parsed versions. Parsing is memoised: matching compares one
 * installed version against every event of every candidate range, and parsing dominates.
 */
export function defineScheme<T>(
  name: string,
  parse: (version: string) => T | undefined,
  compareParsed: (a: T, b: T) => number,
): VersionScheme {
  const cache = new Map<string, T | null>();
  const parsed = (v: string): T | undefined => {
    let p = cache.get(v);
    if (p === undefined) {
      if (cache.size >= cacheSize) cache.clear();
      p = v.length > maxVersionLength ? null : (parse(v) ?? null);
      cache.set(v, p);
    }
    return p ?? undefined;
  };
  return {
    name,
    valid: (v) => parsed(v) !== undefined,
    compare: (a, b) => {
      const x = parsed(a);
      const y = parsed(b);
      if (x !== undefined && y !== undefined) return sign(compareParsed(x, y));
      if (x !== undefined) return -1;
      if (y !== undefined) return 1;
      return compareCodeUnits(a, b);
    },
  };
}
