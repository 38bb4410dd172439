import type { SemVer } from 'semver';
// the one function used, not the package root: that loads all 47 of semver's modules (~13 ms at every start)
import parseSemver from 'semver/functions/parse.js';
import { defineScheme, type VersionScheme } from './scheme.ts';

const options = { loose: true } as const;

const parse = (v: string) => parseSemver(v, options) ?? undefined;
const compareParsed = (a: SemVer, b: SemVer) => a.compare(b);

/** SemVer 2.0 (npm, crates.io, OSV `SEMVER` ranges); build metadata ignored as the spec says. */
export const semverScheme: VersionScheme = defineScheme('semver', parse, compareParsed);

/**
 * Go module versions: SemVer with a `v` prefix; pseudo-versions (`v0.0.0-20240101000000-abcdef123456`) are
 * pre-releases and order by their timestamp; `+incompatible` is build metadata and does not change the order.
 * OSV writes Go versions without the `v`; both forms are accepted.
 */
export const goScheme: VersionScheme = defineScheme(
  'go',
  (v) => parse(v.startsWith('v') ? v.slice(1) : v),
  compareParsed,
);
