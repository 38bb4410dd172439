import { compareDigits, defineScheme, isAlpha, isDigit, type VersionScheme } from './scheme.ts';

const isAlnum = (c: string | undefined) => isDigit(c) || isAlpha(c);

/** rpm's rpmvercmp (rpm 4.15+): `~` sorts before anything, `^` after the base but before any further segment. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const si = i;
    const sj = j;
    const numeric = isDigit(a[i]);
    const inRun = numeric ? isDigit : isAlpha;
    while (i < a.length && inRun(a[i])) i++;
    while (j < b.length && inRun(b[j])) j++;
    // A numeric segment is newer than an alphabetic one.
    if (sj === j) return numeric ? 1 : -1;
    const x = a.slice(si, i);
    const y = b.slice(sj, j);
    const rc = numeric ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (rc !== 0) return rc < 0 ? -1 : 1;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i < a.length ? 1 : -1;
}

export interface Evr {
  /** Absent when the string has no `digits:` prefix; compared as `0`. */
  readonly epoch?: string;
  readonly version: string;
  /** Absent when there is no `-`; a missing release is older than any release, as in rpm's rpmverCmp. */
  readonly release?: string;
}

/**
 * `[epoch:]version[-release]` as rpm's parseEVR splits it: the epoch is the leading digits only when a colon follows
 * them (any other text before a colon stays part of the version), the release is what follows the last `-`.
 */
export function parseEvr(evr: string): Evr {
  const digits = /^[0-9]*/.exec(evr)?.[0].length ?? 0;
  const hasEpoch = evr[digits] === ':';
  const rest = hasEpoch ? evr.slice(digits + 1) : evr;
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  return {
    ...(hasEpoch ? { epoch: evr.slice(0, digits) || '0' } : {}),
    version,
    ...(hyphen >= 0 ? { release: rest.slice(hyphen + 1) } : {}),
  };
}

/** rpm's compare_values: a missing part is older than any present one, present parts compare by rpmvercmp. */
function compareParts(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return rpmvercmp(a, b);
}

/** rpm's rpmverCmp: epoch (missing = 0), then version, then release; a total order. */
function compareEvr(x: Evr, y: Evr): number {
  return (
    compareParts(x.epoch ?? '0', y.epoch ?? '0') ||
    compareParts(x.version, y.version) ||
    compareParts(x.release, y.release)
  );
}

/**
 * rpm orders any non-empty string; sgci takes printable ASCII without spaces (an advisory value with spaces or
 * control characters is a data error, not a version).
 */
export const rpmScheme: VersionScheme = defineScheme(
  'rpm',
  (v) => (/^[\x21-\x7e]+$/.test(v) ? parseEvr(v) : undefined),
  compareEvr,
);
