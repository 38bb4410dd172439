import { defineScheme, isDigit, type VersionScheme } from './scheme.ts';

/**
 * Alpine's apk ordering, as apk-tools 2.14 lexes and compares (the apk-tools generation that wrote Alpine's installed
 * databases and secdb for years): `digit{.digit}...{letter}{_suffix{#}}...{-r#}`, where digits may follow a letter again
 * (`1.9.5p2-r0`, sudo's upstream scheme), plus apk-tools 3's `~hash` commit component before the revision.
 *
 * A version is a stream of typed tokens. Two versions compare token by token while the token types agree; the first
 * differing value decides, or, when one stream changes to another token type first, the type decides: a pre-release
 * suffix (`_alpha` … `_rc`) is older than anything, otherwise the stream that moves on to a later part of the grammar
 * (letter → suffix → revision → end) is the older one, so `1.0 < 1.0a < 1.0.1` and `1.0_rc1 < 1.0 < 1.0_p1`.
 */

/** Token types in grammar order; the order matters, see `compareApkTokens`. */
const t = {
  invalid: -1,
  /** A number after `.`: leading zeros make it a fraction-like component (`1.01 < 1.1`, `1.001 < 1.01`). */
  dotNumber: 0,
  number: 1,
  letter: 2,
  suffix: 3,
  suffixNumber: 4,
  hash: 5,
  revision: 6,
  end: 7,
} as const;
type TokenType = (typeof t)[keyof typeof t];

interface Token {
  readonly type: TokenType;
  readonly value: bigint | string;
}

/** Suffix values: pre-release suffixes are negative, post-release ones count up from 0 (`_p` is the newest). */
const preSuffixes = ['alpha', 'beta', 'pre', 'rc'];
const postSuffixes = ['cvs', 'svn', 'git', 'hg', 'p'];

/** apk-tools reads at most 17 digits into a 64-bit value; longer numbers make the version invalid. */
const maxDigits = 17;

const isLower = (c: string | undefined) => c !== undefined && c >= 'a' && c <= 'z';
const isHex = (c: string | undefined) => isDigit(c) || (c !== undefined && c >= 'a' && c <= 'f');

/** The type of the token after one of type `type`, consuming its separator; `invalid` when the grammar forbids it. */
function nextType(type: TokenType, v: string, pos: { i: number }): TokenType {
  const c = v[pos.i];
  if (c === undefined) return t.end;
  let next: TokenType;
  if ((type === t.number || type === t.dotNumber) && isLower(c)) next = t.letter;
  else if (type === t.letter && isDigit(c)) next = t.number;
  else if (type === t.suffix && isDigit(c)) next = t.suffixNumber;
  else {
    pos.i++;
    if (c === '.') next = t.dotNumber;
    else if (c === '_') next = t.suffix;
    else if (c === '~') next = type === t.hash ? t.invalid : t.hash;
    else if (c === '-' && v[pos.i] === 'r') {
      pos.i++;
      next = t.revision;
    } else next = t.invalid;
  }
  // Parts come in grammar order; the exceptions are the repeatable groups (.digit, _suffix#, letter digit).
  const repeats =
    (next === t.dotNumber && type === t.number) ||
    (next === t.suffix && type === t.suffixNumber) ||
    (next === t.number && type === t.letter);
  return next < type && !repeats ? t.invalid : next;
}

/**
 * Reads the value of a token of type `type` at `pos`, advancing past it; undefined when the text is no such token.
 * `next` forces the following token's type (the leading-zero rule splits one component into two tokens).
 */
function readToken(
  type: TokenType,
  v: string,
  pos: { i: number },
): { value: bigint | string; next?: TokenType } | undefined {
  const start = pos.i;
  if (type === t.dotNumber && v[start] === '0') {
    // `.00012`: every zero but the last counts against the component, the rest is read as a number.
    let zeros = 0;
    while (v[start + zeros + 1] === '0') zeros++;
    pos.i += zeros;
    return { value: BigInt(-zeros), next: t.number };
  }
  if (type === t.dotNumber || type === t.number || type === t.suffixNumber || type === t.revision) {
    while (isDigit(v[pos.i])) pos.i++;
    if (pos.i - start > maxDigits) return undefined;
    return { value: pos.i > start ? BigInt(v.slice(start, pos.i)) : 0n };
  }
  if (type === t.letter) {
    pos.i++;
    return { value: BigInt(v.charCodeAt(start)) };
  }
  if (type === t.suffix) {
    const rest = v.slice(start);
    const pre = preSuffixes.findIndex((s) => rest.startsWith(s));
    if (pre !== -1) {
      pos.i += (preSuffixes[pre] as string).length;
      return { value: BigInt(pre - preSuffixes.length) };
    }
    const post = postSuffixes.findIndex((s) => rest.startsWith(s));
    if (post === -1) return undefined;
    pos.i += (postSuffixes[post] as string).length;
    return { value: BigInt(post) };
  }
  while (isHex(v[pos.i])) pos.i++;
  return pos.i > start ? { value: v.slice(start, pos.i) } : undefined;
}

/** Lexes a version into tokens; the last token has type `end` or `invalid`. */
function lexApkVersion(v: string): Token[] {
  const tokens: Token[] = [];
  const pos = { i: 0 };
  let type: TokenType = t.number;
  while (type !== t.end && type !== t.invalid) {
    if (pos.i >= v.length) {
      // A separator at the very end: apk-tools 2 reads an empty part (`1.`, `1_`, `1-r`); a hash must not be empty.
      tokens.push({ type, value: 0n });
      type = type === t.hash ? t.invalid : t.end;
      break;
    }
    const token = readToken(type, v, pos);
    tokens.push({ type, value: token?.value ?? -1n });
    if (!token) type = t.invalid;
    else if (pos.i >= v.length) type = t.end;
    else type = token.next ?? nextType(type, v, pos);
  }
  tokens.push({ type, value: 0n });
  return tokens;
}

function compareValues(a: bigint | string, b: bigint | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** apk-tools' comparison of two token streams (both valid: each ends with an `end` token). */
function compareApkTokens(a: readonly Token[], b: readonly Token[]): number {
  for (let k = 0; ; k++) {
    const x = a[k] as Token;
    const y = b[k] as Token;
    const c = compareValues(x.value, y.value);
    if (c !== 0) return c;
    const nx = a[k + 1] as Token;
    const ny = b[k + 1] as Token;
    if (nx.type !== ny.type) {
      if (nx.type === t.suffix && (nx.value as bigint) < 0n) return -1;
      if (ny.type === t.suffix && (ny.value as bigint) < 0n) return 1;
      return nx.type > ny.type ? -1 : 1;
    }
    if (nx.type === t.end) return 0;
  }
}

/**
 * Parses an apk version into its token stream, or undefined when apk-tools rejects it. The empty string, which
 * apk-tools 2 lets through as "no version", is not a version here.
 */
function parseApkVersion(version: string): readonly Token[] | undefined {
  if (version === '') return undefined;
  const tokens = lexApkVersion(version);
  return tokens.at(-1)?.type === t.end ? tokens : undefined;
}

export const apkScheme: VersionScheme = defineScheme('apk', parseApkVersion, compareApkTokens);
