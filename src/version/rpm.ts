import { compareDigits, isAlpha, isDigit, type VersionScheme } from './scheme.ts';

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
  readonly epoch: string;
  readonly version: string;
  readonly release?: string;
}

/** `[epoch:]version[-release]`; OSV's RPM ecosystems write the full EVR. */
export function parseEvr(evr: string): Evr {
  const colon = evr.indexOf(':');
  const epoch = colon >= 0 && /^[0-9]*$/.test(evr.slice(0, colon)) ? evr.slice(0, colon) || '0' : '0';
  const rest = colon >= 0 ? evr.slice(colon + 1) : evr;
  const hyphen = rest.lastIndexOf('-');
  return hyphen >= 0
    ? { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) }
    : { epoch, version: rest };
}

/** Compares EVRs like rpm: a missing release on either side matches any release. */
export function compareRpmVersions(a: string, b: string): number {
  const x = parseEvr(a);
  const y = parseEvr(b);
  const e = compareDigits(x.epoch, y.epoch);
  if (e !== 0) return e < 0 ? -1 : 1;
  const v = rpmvercmp(x.version, y.version);
  if (v !== 0 || x.release === undefined || y.release === undefined) return v;
  return rpmvercmp(x.release, y.release);
}

export const rpmScheme: VersionScheme = {
  name: 'rpm',
  valid: (v) => v.length > 0 && /^([0-9]+:)?[A-Za-z0-9._+~^-]+$/.test(v),
  compare: compareRpmVersions,
};
