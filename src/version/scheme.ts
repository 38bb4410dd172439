/**
 * A version ordering: the one question vulnerability ranges ask of an ecosystem.
 * `compare` returns <0, 0, >0; it throws nothing. `valid` says whether the ordering understands the string;
 * range evaluation refuses to guess for invalid versions instead of comparing garbage.
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
