import { compareDigits, type VersionScheme } from './scheme.ts';

/** apk-tools suffix order: pre-release suffixes, then none, then post-release ones. */
const suffixRank: Readonly<Record<string, number>> = {
  alpha: 0,
  beta: 1,
  pre: 2,
  rc: 3,
  '': 4,
  cvs: 5,
  svn: 6,
  git: 7,
  hg: 8,
  p: 9,
};

const apkPattern =
  /^([0-9]+(?:\.[0-9]+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*)(?:~([0-9a-f]+))?(?:-r([0-9]+))?$/;

interface ApkVersion {
  readonly numbers: readonly string[];
  readonly letter: string;
  readonly suffixes: readonly { readonly name: string; readonly number: string }[];
  readonly hash: string;
  readonly revision: string;
}

export function parseApkVersion(version: string): ApkVersion | undefined {
  const m = apkPattern.exec(version);
  if (!m) return undefined;
  const suffixes = [...(m[3] ?? '').matchAll(/_([a-z]+)([0-9]*)/g)].map((s) => ({
    name: s[1] ?? '',
    number: s[2] ?? '',
  }));
  return {
    numbers: (m[1] ?? '').split('.'),
    letter: m[2] ?? '',
    suffixes,
    hash: m[4] ?? '',
    revision: m[5] ?? '0',
  };
}

/** Numeric components after the first compare as fractions when they start with 0 (apk's `1.01 < 1.1`). */
function compareComponent(a: string, b: string, first: boolean): number {
  if (!first && (a.startsWith('0') || b.startsWith('0'))) return a < b ? -1 : a > b ? 1 : 0;
  return compareDigits(a, b);
}

export function compareApkVersions(a: string, b: string): number {
  const x = parseApkVersion(a);
  const y = parseApkVersion(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.max(x.numbers.length, y.numbers.length);
  for (let i = 0; i < n; i++) {
    const p = x.numbers[i];
    const q = y.numbers[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const c = compareComponent(p, q, i === 0);
    if (c !== 0) return c;
  }
  if (x.letter !== y.letter) return x.letter < y.letter ? -1 : 1;
  const m = Math.max(x.suffixes.length, y.suffixes.length);
  for (let i = 0; i < m; i++) {
    const p = x.suffixes[i] ?? { name: '', number: '' };
    const q = y.suffixes[i] ?? { name: '', number: '' };
    const r = (suffixRank[p.name] ?? 4) - (suffixRank[q.name] ?? 4);
    if (r !== 0) return r;
    const c = compareDigits(p.number || '0', q.number || '0');
    if (c !== 0) return c;
  }
  if (x.hash !== y.hash) return x.hash < y.hash ? -1 : 1;
  return compareDigits(x.revision, y.revision);
}

export const apkScheme: VersionScheme = {
  name: 'apk',
  valid: (v) => parseApkVersion(v) !== undefined,
  compare: compareApkVersions,
};
