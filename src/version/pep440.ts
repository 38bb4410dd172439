import { defineScheme, type VersionScheme } from './scheme.ts';

/**
 * PEP 440 (PyPI) as the reference implementation, Python's `packaging.version.Version`, parses and orders it:
 * epoch, release (trailing zeros ignored), pre-release (a/alpha, b/beta, rc/c/pre/preview), post-release (post, rev,
 * r, or `-N`), dev release and local version, with `1.0.dev0 < 1.0a0 < 1.0 < 1.0+local < 1.0.post0`.
 */
interface Pep440Version {
  readonly epoch: bigint;
  /** Release numbers without trailing zeros (`1.0.0` is `[1]`). */
  readonly release: readonly bigint[];
  readonly pre?: readonly [string, bigint];
  readonly post?: bigint;
  readonly dev?: bigint;
  /** Numeric segments as numbers, the others lower-cased. */
  readonly local?: readonly (bigint | string)[];
}

const separator = '[-_.]?';
const pattern = new RegExp(
  '^v?(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)' +
    `(?:${separator}(a|b|c|rc|alpha|beta|pre|preview)${separator}([0-9]+)?)?` +
    `(?:-([0-9]+)|${separator}(post|rev|r)${separator}([0-9]+)?)?` +
    `(?:${separator}(dev)${separator}([0-9]+)?)?` +
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$',
  'i',
);

/** Python's `\s` (str.isspace), which `packaging` strips around a version. */
const pythonSpace = '[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*';
const surroundingSpace = new RegExp(`^${pythonSpace}|${pythonSpace}$`, 'g');

const preLetters: Readonly<Record<string, string>> = {
  alpha: 'a',
  beta: 'b',
  c: 'rc',
  pre: 'rc',
  preview: 'rc',
};

/**
 * Parses like `packaging.version.Version`, or undefined where it raises InvalidVersion. Non-ASCII text is refused
 * even where Python's case-insensitive matching would take it (`ſ` for `s`): no real version is written so.
 */
function parsePep440Version(version: string): Pep440Version | undefined {
  const v = version.replace(surroundingSpace, '');
  if (!/^[\x21-\x7e]+$/.test(v)) return undefined;
  const m = pattern.exec(v);
  if (!m) return undefined;
  const [, epoch, release, preLetter, preNumber, postImplicit, postLetter, postNumber, devLetter, devNumber, local] = m;
  const numbers = (release as string).split('.').map((n) => BigInt(n));
  while (numbers.at(-1) === 0n) numbers.pop();
  const pre = preLetter?.toLowerCase();
  const hasPost = postImplicit !== undefined || postLetter !== undefined;
  return {
    epoch: BigInt(epoch ?? 0),
    release: numbers,
    ...(pre ? { pre: [preLetters[pre] ?? pre, BigInt(preNumber ?? 0)] as const } : {}),
    ...(hasPost ? { post: BigInt(postImplicit ?? postNumber ?? 0) } : {}),
    ...(devLetter ? { dev: BigInt(devNumber ?? 0) } : {}),
    ...(local ? { local: local.split(/[-_.]/).map((s) => (/^[0-9]+$/.test(s) ? BigInt(s) : s.toLowerCase())) } : {}),
  };
}

function compareScalars(a: bigint | string, b: bigint | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lexicographic, a shorter list first when it is a prefix of the other (Python's tuple order). */
function compareLists<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compare(a[i] as T, b[i] as T);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** A local segment: words before numbers, words by code point, numbers numerically. */
function compareLocalSegments(a: bigint | string, b: bigint | string): number {
  if (typeof a !== typeof b) return typeof a === 'string' ? -1 : 1;
  return compareScalars(a, b);
}

/** `packaging`'s _cmpkey: a dev release without pre or post sorts before every pre-release of its release. */
function preRank(v: Pep440Version): number {
  if (v.pre) return 0;
  return v.post === undefined && v.dev !== undefined ? -1 : 1;
}

function comparePep440(a: Pep440Version, b: Pep440Version): number {
  return (
    compareScalars(a.epoch, b.epoch) ||
    compareLists(a.release, b.release, compareScalars) ||
    preRank(a) - preRank(b) ||
    (a.pre && b.pre ? compareScalars(a.pre[0], b.pre[0]) || compareScalars(a.pre[1], b.pre[1]) : 0) ||
    compareScalars(a.post ?? -1n, b.post ?? -1n) ||
    (a.dev === undefined || b.dev === undefined
      ? Number(a.dev === undefined) - Number(b.dev === undefined)
      : compareScalars(a.dev, b.dev)) ||
    (a.local === undefined || b.local === undefined
      ? Number(a.local !== undefined) - Number(b.local !== undefined)
      : compareLists(a.local, b.local, compareLocalSegments))
  );
}

export const pep440Scheme: VersionScheme = defineScheme('pep440', parsePep440Version, comparePep440);
