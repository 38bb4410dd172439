import { defineScheme, isAlpha, isDigit, type VersionScheme } from './scheme.ts';

/**
 * Packagist/Composer: Composer normalises every version with composer/semver's `VersionParser::normalize`
 * (`v1.2` → `1.2.0.0`, `1.0.0-b2` → `1.0.0.0-beta2`, `1.0-RC1` → `1.0.0.0-RC1`, `-pl3`/`-p3` → `-patch3`,
 * `-stable` dropped) and orders the results with PHP's `version_compare`. Both are reproduced here; a string
 * `normalize` rejects, and a `dev-` branch, which Composer never orders, is not a version.
 */

/**
 * composer/semver's modifier: stability word (case-insensitive), its number, and a trailing dev flag. Composer
 * writes the number as `((?:[.-]?\d+)*+)?`, a possessive loop; JavaScript has none, and the same loop without it
 * backtracks exponentially on a long digit run, so it is written here in the equivalent unambiguous form.
 */
const modifier = String.raw`[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+(?:[.-]\d+)*)?))?([.-]?dev)?`;
const stabilityFlag = /@(?:stable|RC|beta|alpha|dev)$/i;
const classical = new RegExp(String.raw`^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?${modifier}$`, 'i');
const dated = new RegExp(String.raw`^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)${modifier}$`, 'i');
const numericBranch = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

/** PHP's trim(): space, tab, newline, carriage return, NUL and vertical tab only (PCRE's `\s` is ASCII, too). */
function phpTrim(s: string): string {
  return s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');
}

function expandStability(s: string): string {
  const lower = s.toLowerCase();
  if (lower === 'a') return 'alpha';
  if (lower === 'b') return 'beta';
  if (lower === 'p' || lower === 'pl') return 'patch';
  if (lower === 'rc') return 'RC';
  return lower;
}

/** `1.x-dev` → `1.9999999.9999999.9999999-dev`; undefined for a named branch. */
function normalizeBranch(name: string): string | undefined {
  const m = numericBranch.exec(phpTrim(name));
  if (!m) return undefined;
  let version = '';
  for (const part of m.slice(1, 5)) version += part === undefined ? '.x' : part.replace(/[*X]/g, 'x');
  return `${version.replaceAll('x', '9999999')}-dev`;
}

/** composer/semver's `VersionParser::normalize`, or undefined where it throws or yields a `dev-` branch. */
export function normalizeComposerVersion(input: string): string | undefined {
  let version = phpTrim(input);
  const alias = /^([^, \t\n\v\f\r]+) +as +([^, \t\n\v\f\r]+)$/.exec(version);
  if (alias) version = alias[1] as string;
  const flag = stabilityFlag.exec(version);
  if (flag) version = version.slice(0, version.length - flag[0].length);
  if (['master', 'trunk', 'default'].includes(version) || /^dev-/i.test(version)) return undefined;
  const build = /^([^, \t\n\v\f\r+]+)\+[^ \t\n\v\f\r]+$/.exec(version);
  if (build) version = build[1] as string;
  let base: string | undefined;
  let m = classical.exec(version);
  let index = 5;
  if (m) {
    base = `${m[1]}${m[2] || '.0'}${m[3] || '.0'}${m[4] || '.0'}`;
  } else {
    m = dated.exec(version);
    index = 2;
    if (m) base = (m[1] as string).replace(/\D/g, '.');
  }
  if (m && base !== undefined) {
    const stability = m[index];
    if (stability) {
      if (stability === 'stable') return base;
      const n = m[index + 1];
      base += `-${expandStability(stability)}${n ? n.replace(/^[.-]+/, '') : ''}`;
    }
    if (m[index + 2]) base += '-dev';
    return base;
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  return dev ? normalizeBranch(dev[1] as string) : undefined;
}

/**
 * PHP's php_canonicalize_version: `-`, `_`, `+` and any other symbol become one `.`, and a `.` is put between a
 * digit and a non-digit; the first character is kept as it is.
 */
function canonicalize(v: string): string {
  let out = v.slice(0, 1);
  let previous = out;
  for (const c of v.slice(1)) {
    const dotted = out.endsWith('.');
    if (c === '-' || c === '_' || c === '+') {
      if (!dotted) out += '.';
    } else if (c !== '.' && previous !== '.' && isDigit(c) !== isDigit(previous)) {
      out += dotted ? c : `.${c}`;
    } else if (!isDigit(c) && !isAlpha(c)) {
      if (!dotted) out += '.';
    } else {
      out += c;
    }
    previous = c;
  }
  return out;
}

/** PHP's special forms in version_compare, matched by prefix (`patch` is `p`); anything else is -1. */
const specialForms: readonly (readonly [string, number])[] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialOrder(form: string): number {
  for (const [name, order] of specialForms) if (form.startsWith(name)) return order;
  return -1;
}

/** PHP reads a numeric segment with strtol, which stops at LONG_MAX. */
const longMax = 2n ** 63n - 1n;
function phpLong(digits: string): bigint {
  const n = BigInt(/^[0-9]+/.exec(digits)?.[0] ?? '0');
  return n > longMax ? longMax : n;
}

function compareSegments(x: string, y: string): number {
  const xn = isDigit(x[0]);
  const yn = isDigit(y[0]);
  if (xn && yn) {
    const a = phpLong(x);
    const b = phpLong(y);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return Math.sign(specialOrder(xn ? '#N#' : x) - specialOrder(yn ? '#N#' : y));
}

/**
 * PHP's version_compare (ext/standard/versioning.c): dot-separated segments, numbers numerically, words by special
 * form; when one side runs out, a remaining number makes it newer, a remaining word is compared with a number.
 */
function phpVersionCompare(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  const v1 = a.startsWith('#') ? a : canonicalize(a);
  const v2 = b.startsWith('#') ? b : canonicalize(b);
  let p1 = 0;
  let p2 = 0;
  let more1 = true;
  let more2 = true;
  while (p1 < v1.length && p2 < v2.length && more1 && more2) {
    const d1 = v1.indexOf('.', p1);
    const d2 = v2.indexOf('.', p2);
    more1 = d1 !== -1;
    more2 = d2 !== -1;
    const c = compareSegments(v1.slice(p1, more1 ? d1 : undefined), v2.slice(p2, more2 ? d2 : undefined));
    if (c !== 0) return c;
    if (more1) p1 = d1 + 1;
    if (more2) p2 = d2 + 1;
  }
  if (more1) return isDigit(v1[p1]) ? 1 : phpVersionCompare(v1.slice(p1), '#N#');
  if (more2) return isDigit(v2[p2]) ? -1 : phpVersionCompare('#N#', v2.slice(p2));
  return 0;
}

export const composerScheme: VersionScheme = defineScheme('composer', normalizeComposerVersion, phpVersionCompare);
