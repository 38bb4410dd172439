import semver from 'semver';
import type { VersionScheme } from './scheme.ts';

const options = { loose: true } as const;

/**
 * Parsed versions, memoised: matching compares one installed version against every event of every candidate
 * range, and parsing dominates. Cleared wholesale when large, so memory stays bounded.
 */
const parsed = new Map<string, semver.SemVer | null>();

function parse(v: string): semver.SemVer | null {
  let result = parsed.get(v);
  if (result === undefined) {
    if (parsed.size >= 10_000) parsed.clear();
    result = semver.parse(v, options);
    parsed.set(v, result);
  }
  return result;
}

/** SemVer 2.0 (npm, crates.io, OSV `SEMVER` ranges); build metadata ignored as the spec says. */
export const semverScheme: VersionScheme = {
  name: 'semver',
  valid: (v) => parse(v) !== null,
  compare: (a, b) => {
    const x = parse(a);
    const y = parse(b);
    if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
    return x.compare(y);
  },
};

/**
 * Go module versions: SemVer with a `v` prefix; pseudo-versions (`v0.0.0-20240101000000-abcdef123456`) are
 * pre-releases and order by their timestamp; `+incompatible` is build metadata and does not change the order.
 * OSV writes Go versions without the `v`; both forms are accepted.
 */
export const goScheme: VersionScheme = {
  name: 'go',
  valid: (v) => parse(stripV(v)) !== null,
  compare: (a, b) => semverScheme.compare(stripV(a), stripV(b)),
};

function stripV(v: string): string {
  return v.startsWith('v') ? v.slice(1) : v;
}
