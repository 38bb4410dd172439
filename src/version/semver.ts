import semver from 'semver';
import type { VersionScheme } from './scheme.ts';

const options = { loose: true } as const;

/** SemVer 2.0 (npm, crates.io, OSV `SEMVER` ranges); build metadata ignored as the spec says. */
export const semverScheme: VersionScheme = {
  name: 'semver',
  valid: (v) => semver.valid(v, options) !== null,
  compare: (a, b) => {
    const x = semver.parse(a, options);
    const y = semver.parse(b, options);
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
  valid: (v) => semver.valid(stripV(v)) !== null,
  compare: (a, b) => semverScheme.compare(stripV(a), stripV(b)),
};

function stripV(v: string): string {
  return v.startsWith('v') ? v.slice(1) : v;
}
