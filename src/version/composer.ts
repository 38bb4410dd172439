import { compareDigits, isAlpha, isDigit, type VersionScheme } from './scheme.ts';

/**
 * Packagist/Composer: Composer normalises versions (`v1.2` → `1.2.0.0`, `-beta1`) and orders them with
 * PHP's version_compare. This is that comparison: special forms dev < alpha = a < beta = b < RC = rc < number < pl = p;
 * unknown words sort below all of them.
 */
function canonicalize(version: string): string[] {
  let out = '';
  let last = '';
  for (const c of version) {
    let next: string;
    if (c === '-' || c === '_' || c === '+' || (!isDigit(c) && !isAlpha(c))) next = '.';
    else next = c;
    if (next !== '.' && last !== '' && last !== '.' && isDigit(next) !== isDigit(last)) out += '.';
    if (next === '.' && last === '.') continue;
    out += next;
    last = next;
  }
  return out.split('.').filter((p) => p !== '');
}

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
  return -6;
}

function comparePart(a: string, b: string): number {
  const an = isDigit(a[0]);
  const bn = isDigit(b[0]);
  if (an && bn) return Math.sign(compareDigits(a, b));
  return Math.sign(specialOrder(an ? '#' : a) - specialOrder(bn ? '#' : b));
}

function normalizeComposer(v: string): string {
  const trimmed = v.trim().replace(/^v(?=[0-9])/i, '');
  const m = /^([0-9]+(?:\.[0-9]+)*)(.*)$/.exec(trimmed);
  if (!m) return trimmed;
  const numbers = (m[1] ?? '').split('.');
  while (numbers.length < 4) numbers.push('0');
  return numbers.join('.') + (m[2] ?? '');
}

export function compareComposerVersions(a: string, b: string): number {
  const x = canonicalize(normalizeComposer(a));
  const y = canonicalize(normalizeComposer(b));
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return isDigit(q?.[0]) ? -1 : comparePart('#', q ?? '');
    if (q === undefined) return isDigit(p[0]) ? 1 : comparePart(p, '#');
    const c = comparePart(p, q);
    if (c !== 0) return c;
  }
  return 0;
}

export const composerScheme: VersionScheme = {
  name: 'composer',
  valid: (v) => /^v?[0-9]/i.test(v.trim()),
  compare: compareComposerVersions,
};
