import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { DigestTable } from './digest-table.ts';

const algorithms = ['md5', 'sha1', 'sha256'];
const lengths = algorithms.map((a) => createHash(a).digest().length);

test('each file reads back the digests it was given, per algorithm, across chunks and in any order', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          slot: fc.integer({ min: 0, max: 20_000 }),
          mask: fc.integer({ min: 1, max: 7 }),
          seed: fc.integer({ min: 0, max: 255 }),
        }),
        { maxLength: 60 },
      ),
      (writes) => {
        const table = new DigestTable(algorithms);
        const expected = new Map<number, (string | undefined)[]>();
        for (const { slot, mask, seed } of writes) {
          // the mask's algorithms' bytes one after the other, as `set` reads them
          const parts = lengths.map((length, i) =>
            (mask >> i) & 1 ? Buffer.alloc(length, (seed + i) & 0xff) : Buffer.alloc(0),
          );
          table.set(slot, Buffer.concat(parts), 0, mask);
          expected.set(
            slot,
            parts.map((part, i) => ((mask >> i) & 1 ? part.toString('hex') : undefined)),
          );
        }
        assert.equal(table.size, expected.size);
        for (const [slot, hexes] of expected) assert.deepEqual(table.get(slot), hexes);
        // a slot never set has no digests, even in a chunk another algorithm's file made
        for (let slot = 0; slot < 20_010; slot += 997) {
          if (!expected.has(slot)) assert.equal(table.get(slot), undefined);
        }
      },
    ),
  );
});

test('a file hashed with md5 only has no sha1 or sha256, and a bad mask is a programming error', () => {
  const table = new DigestTable(algorithms);
  const md5 = createHash('md5').update('x').digest();
  table.set(5000, md5, 0, 0b001);
  assert.deepEqual(table.get(5000), [md5.toString('hex'), undefined, undefined]);
  assert.equal(table.bytesOf(0b101), 16 + 32);
  assert.throws(() => table.set(1, md5, 0, 0), /algorithm mask 0/);
  assert.throws(() => table.set(1, md5, 0, 8), /algorithm mask 8/);
});
