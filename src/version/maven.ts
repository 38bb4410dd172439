import { compareDigits, isDigit, type VersionScheme } from './scheme.ts';

/**
 * Maven's ComparableVersion (maven-artifact 3.9): items split at `.`, `-` and digit/letter transitions;
 * `-` and transitions open a sub-list; trailing "null" items (0, "", ga, final, release) are dropped;
 * known qualifiers order alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp,
 * unknown qualifiers sort after sp, lexically.
 */
type Item = { kind: 'int'; value: string } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

const qualifiers = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const aliases: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const releaseIndex = String(qualifiers.indexOf(''));

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) {
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  return { kind: 'string', value: aliases[v] ?? v };
}

function comparableQualifier(q: string): string {
  const i = qualifiers.indexOf(q);
  return i === -1 ? `${qualifiers.length}-${q}` : String(i);
}

function parseItem(isDigitRun: boolean, buf: string): Item {
  return isDigitRun ? { kind: 'int', value: buf.replace(/^0+/, '') || '0' } : stringItem(buf, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return item.value === '0';
  if (item.kind === 'string') return item.value === '';
  return item.items.length === 0;
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i] as Item;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

export function parseMavenVersion(version: string): Item {
  const v = version.toLowerCase();
  const root: Item & { kind: 'list' } = { kind: 'list', items: [] };
  let list = root.items;
  const stack: Item[][] = [list];
  let isDigitRun = false;
  let start = 0;
  const open = () => {
    const sub: Item & { kind: 'list' } = { kind: 'list', items: [] };
    list.push(sub);
    list = sub.items;
    stack.push(list);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '.') {
      list.push(i === start ? { kind: 'int', value: '0' } : parseItem(isDigitRun, v.slice(start, i)));
      start = i + 1;
    } else if (c === '-') {
      list.push(i === start ? { kind: 'int', value: '0' } : parseItem(isDigitRun, v.slice(start, i)));
      start = i + 1;
      open();
    } else if (isDigit(c)) {
      if (!isDigitRun && i > start) {
        list.push(stringItem(v.slice(start, i), true));
        start = i;
        open();
      }
      isDigitRun = true;
    } else {
      if (isDigitRun && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        open();
      }
      isDigitRun = false;
    }
  }
  if (v.length > start) list.push(parseItem(isDigitRun, v.slice(start)));
  while (stack.length > 0) normalize(stack.pop() as Item[]);
  return root;
}

function compareItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareItems(b, undefined);
  if (a.kind === 'int') {
    if (b === undefined) return a.value === '0' ? 0 : 1;
    if (b.kind === 'int') return Math.sign(compareDigits(a.value, b.value));
    return 1;
  }
  if (a.kind === 'string') {
    if (b === undefined) return Math.sign(cmp(comparableQualifier(a.value), releaseIndex));
    if (b.kind === 'int') return -1;
    if (b.kind === 'string') return Math.sign(cmp(comparableQualifier(a.value), comparableQualifier(b.value)));
    return -1;
  }
  if (b === undefined) {
    for (const item of a.items) {
      const r = compareItems(item, undefined);
      if (r !== 0) return r;
    }
    return 0;
  }
  if (b.kind === 'int') return -1;
  if (b.kind === 'string') return 1;
  const n = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    const r = compareItems(a.items[i], b.items[i]);
    if (r !== 0) return r;
  }
  return 0;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareMavenVersions(a: string, b: string): number {
  return compareItems(parseMavenVersion(a), parseMavenVersion(b));
}

export const mavenScheme: VersionScheme = {
  name: 'maven',
  valid: (v) => v.length > 0 && !/\s/.test(v),
  compare: compareMavenVersions,
};
