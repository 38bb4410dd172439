import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareText, rootCompare } from './collate.ts';

/** Printable ASCII, the edges of the fast path (control characters, DEL, Latin-1, a combining mark) and runs of case. */
const unit = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('a', 'A', 'z', 'Z', '-', '_', '.', '0', '9', ' '),
  fc.constantFrom('\t', '\n', '\u0001', '\u007f', 'é', 'e\u0301', 'ß', 'İ', '\u00a0'),
);
const text = fc.string({ unit, maxLength: 8 });
/** Two strings, often one a prefix of the other or equal but for case. */
const pair = fc.oneof(
  fc.tuple(text, text),
  fc.tuple(text, text).map(([a, b]) => [a, a + b] as const),
  text.map((a) => [a, a.toUpperCase()] as const),
  text.map((a) => [a.toLowerCase(), a] as const),
);

test('compareText orders as localeCompare does, in sign', () => {
  fc.assert(
    fc.property(pair, ([a, b]) => {
      assert.equal(compareText(a, b), Math.sign(a.localeCompare(b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }),
    { numRuns: 20_000 },
  );
});

test("rootCompare is the en-US collator's order on printable ASCII, and steps aside elsewhere", () => {
  // not `und`: a locale ICU has no data for falls back to the default one, whatever the environment names
  const collator = new Intl.Collator('en-US');
  fc.assert(
    fc.property(pair, ([a, b]) => {
      const fast = rootCompare(a, b);
      const printable = /^[\x20-\x7e]*$/;
      if (!printable.test(a) || !printable.test(b)) return assert.equal(fast, undefined);
      assert.equal(fast, Math.sign(collator.compare(a, b)), `${a} vs ${b}`);
    }),
    { numRuns: 20_000 },
  );
});

test('rootCompare ranks every pair of printable ASCII characters as the en-US collator does', () => {
  const collator = new Intl.Collator('en-US');
  for (let x = 0x20; x <= 0x7e; x++)
    for (let y = 0x20; y <= 0x7e; y++) {
      const a = String.fromCharCode(x);
      const b = String.fromCharCode(y);
      assert.equal(rootCompare(a, b), Math.sign(collator.compare(a, b)), `${a} vs ${b}`);
    }
});
