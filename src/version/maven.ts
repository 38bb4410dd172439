import { compareCodeUnits, compareDigits, defineScheme, isDigit, type VersionScheme } from './scheme.ts';

/**
 * Maven's ComparableVersion (maven-artifact 3.8.7 to 3.9.x, which share one algorithm): a version is a tree of
 * items. `.` separates items, `-` and every digit/letter transition open a sub-list; a qualifier after a dot opens one
 * too, so `1.0.RC1` is `1-RC1` (MNG-7644). Trailing "null" items (0, "", ga, final, release) are dropped per list.
 * Known qualifiers order alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp; unknown
 * ones sort after sp, lexically; `a1`, `b1`, `m1` are alpha-1, beta-1, milestone-1.
 */
type Item =
  | { readonly kind: 'number'; readonly digits: string; readonly size: number }
  | { readonly kind: 'qualifier'; readonly value: string }
  | { readonly kind: 'list'; readonly items: Item[] };

const qualifiers = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const aliases: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const shortQualifiers: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };

/** Maven's sort key of a qualifier: the index of a known one, else `7-name`, compared as strings. */
function qualifierKey(q: string): string {
  const i = qualifiers.indexOf(q);
  return i === -1 ? `${qualifiers.length}-${q}` : String(i);
}
const releaseKey = qualifierKey('');

function qualifier(text: string, followedByDigit: boolean): Item {
  const value = followedByDigit ? (shortQualifiers[text] ?? text) : text;
  return { kind: 'qualifier', value: aliases[value] ?? value };
}

/**
 * Java keeps a number as int, long or BigInteger by its length after stripping leading zeros (an all-zero run keeps
 * its length), and orders the three kinds before their values: `1.0000000000.5 > 1.5.5` in Maven.
 */
function number(digits: string): Item {
  const stripped = digits.replace(/^0+(?=[^0])/, '');
  return { kind: 'number', digits: stripped, size: stripped.length <= 9 ? 0 : stripped.length <= 18 ? 1 : 2 };
}
const zero = number('0');

function numberOrQualifier(isNumber: boolean, text: string): Item {
  return isNumber ? number(text) : qualifier(text, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'number') return /^0+$/.test(item.digits);
  if (item.kind === 'qualifier') return qualifierKey(item.value) === releaseKey;
  return item.items.length === 0;
}

/** Drops trailing null items, looking through trailing sub-lists (`1.0-0` is `1`). */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i] as Item;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

function parseMavenVersion(version: string): Item {
  const v = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const lists: Item[][] = [root];
  const open = () => {
    const sub: Item[] = [];
    list.push({ kind: 'list', items: sub });
    list = sub;
    lists.push(sub);
  };
  let inNumber = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '.' || c === '-') {
      list.push(i === start ? zero : numberOrQualifier(inNumber, v.slice(start, i)));
      start = i + 1;
      if (c === '-') open();
    } else if (isDigit(c)) {
      if (!inNumber && i > start) {
        if (list.length > 0) open();
        list.push(qualifier(v.slice(start, i), true));
        start = i;
        open();
      }
      inNumber = true;
    } else {
      if (inNumber && i > start) {
        list.push(numberOrQualifier(true, v.slice(start, i)));
        start = i;
        open();
      }
      inNumber = false;
    }
  }
  if (v.length > start) {
    if (!inNumber && list.length > 0) open();
    list.push(numberOrQualifier(inNumber, v.slice(start)));
  }
  for (let i = lists.length - 1; i >= 0; i--) normalize(lists[i] as Item[]);
  return { kind: 'list', items: root };
}

/** ComparableVersion's Item.compareTo; `undefined` is the padding a shorter list is compared with. */
function compareItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareItems(b, undefined);
  if (a.kind === 'number') {
    if (b === undefined) return isNull(a) ? 0 : 1;
    if (b.kind !== 'number') return 1;
    return a.size !== b.size ? a.size - b.size : compareDigits(a.digits, b.digits);
  }
  if (a.kind === 'qualifier') {
    if (b === undefined) return compareCodeUnits(qualifierKey(a.value), releaseKey);
    return b.kind === 'qualifier' ? compareCodeUnits(qualifierKey(a.value), qualifierKey(b.value)) : -1;
  }
  if (b === undefined) {
    for (const item of a.items) {
      const r = compareItems(item, undefined);
      if (r !== 0) return r;
    }
    return 0;
  }
  if (b.kind === 'number') return -1;
  if (b.kind === 'qualifier') return 1;
  for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
    const r = compareItems(a.items[i], b.items[i]);
    if (r !== 0) return r;
  }
  return 0;
}

/**
 * Maven orders any string; sgci accepts printable ASCII without spaces, where Java's Unicode digits and case
 * mapping cannot differ from ours.
 */
export const mavenScheme: VersionScheme = defineScheme(
  'maven',
  (v) => (/^[\x21-\x7e]+$/.test(v) ? parseMavenVersion(v) : undefined),
  compareItems,
);
