import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { endWorker } from './end-worker.ts';

const exitCode = (worker: Worker) => new Promise<number>((resolve) => worker.once('exit', resolve));

test('a worker is asked to end and exits by itself; one that does not listen is terminated after the grace', async () => {
  const listening = new Worker(
    "require('node:worker_threads').parentPort.on('message', (m) => { if (m === 'close') process.exit(); })",
    { eval: true },
  );
  const listened = exitCode(listening);
  await endWorker(listening, 'close');
  assert.equal(await listened, 0, 'it exited by itself, not terminated (which gives 1)');
  await endWorker(listening, 'close'); // ended already: nothing to wait for

  // a thread that never returns to its event loop cannot take the message
  const stuck = new Worker("require('node:worker_threads').parentPort.postMessage('looping'); for (;;) {}", {
    eval: true,
  });
  await new Promise((resolve) => stuck.once('message', resolve));
  const terminated = exitCode(stuck);
  await endWorker(stuck, 'close', 0);
  assert.equal(await terminated, 1);
});
