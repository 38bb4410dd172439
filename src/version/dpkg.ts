import { compareDigits, defineScheme, isAlpha, isDigit, type VersionScheme } from './scheme.ts';

/** `[epoch:]upstream[-revision]` as dpkg splits it (deb-version(7)). */
export interface DpkgVersion {
  readonly epoch: string;
  readonly upstream: string;
  readonly revision: string;
}

const validUpstream = /^[0-9][A-Za-z0-9.+~:-]*$/;
const validRevision = /^[A-Za-z0-9.+~]*$/;

export function parseDpkgVersion(version: string): DpkgVersion | undefined {
  const v = version.trim();
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? v.slice(0, colon) : '0';
  if (!/^[0-9]+$/.test(epoch)) return undefined;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (!validUpstream.test(upstream) || !validRevision.test(revision)) return undefined;
  if (hyphen >= 0 && revision === '') return undefined;
  return { epoch, upstream, revision };
}

/** dpkg's character weight: `~` sorts before everything, even the end of the string; letters before other symbols. */
function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAlpha(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp: alternating non-digit and digit runs. */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    const si = i;
    const sj = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    const d = compareDigits(a.slice(si, i), b.slice(sj, j));
    if (d !== 0) return d;
  }
  return 0;
}

function compareParsed(x: DpkgVersion, y: DpkgVersion): number {
  return compareDigits(x.epoch, y.epoch) || verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}

export const dpkgScheme: VersionScheme = defineScheme('dpkg', parseDpkgVersion, compareParsed);

export function compareDpkgVersions(a: string, b: string): number {
  return dpkgScheme.compare(a, b);
}
