import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';

/** In a thread of its own: lowering is for good (raising back needs privileges), and it must not touch this one. */
function inThread(steps: number): Promise<{ before: number; after: number }> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const { getPriority } = require('node:os');
     import(workerData.module).then(({ lowerThreadPriority }) => {
       const before = getPriority();
       lowerThreadPriority(workerData.steps);
       parentPort.postMessage({ before, after: getPriority() });
     });`,
    { eval: true, workerData: { module: new URL('./thread-priority.ts', import.meta.url).href, steps } },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

test('a thread lowers its own priority, by the steps asked and no lower than 19; the others keep theirs', async () => {
  const mine = getPriority();
  const { before, after } = await inThread(5);
  assert.equal(after, Math.min(19, before + 5));
  const bottom = await inThread(40);
  assert.equal(bottom.after, 19);
  assert.equal(getPriority(), mine, 'the calling thread is the only one lowered');
});
