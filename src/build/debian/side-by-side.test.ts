import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sideBySide } from './side-by-side.ts';

/** Settles when `release` is called: the test decides the order in which the work ends. */
function gate(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

test('results come in the order of the items, however the work ends, and no more run at once than allowed', async () => {
  const gates = [gate(), gate(), gate(), gate()];
  let running = 0;
  let most = 0;
  const done = sideBySide(
    [0, 1, 2, 3],
    async (i) => {
      running++;
      most = Math.max(most, running);
      await gates[i]?.promise;
      running--;
      return `item ${i}`;
    },
    2,
  );
  for (const i of [1, 0, 3, 2]) {
    gates[i]?.release();
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.deepEqual(await done, ['item 0', 'item 1', 'item 2', 'item 3']);
  assert.equal(most, 2);
});

test('the error is the first failed item in order, as a loop would report, after every item has ended', async () => {
  const late = gate();
  let ended = 0;
  const done = sideBySide([0, 1, 2], async (i) => {
    if (i === 0) await late.promise;
    ended++;
    if (i > 0) throw new Error(`item ${i} failed`);
    throw new Error('item 0 failed');
  });
  // items 1 and 2 fail first in time; item 0 fails last
  await new Promise((resolve) => setImmediate(resolve));
  late.release();
  await assert.rejects(done, /^Error: item 0 failed$/);
  assert.equal(ended, 3);
});
