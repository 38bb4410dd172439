import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedDataVersionTag } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { bootingWorker, tuneV8 } from './v8-flags.ts';

// V8's code-cache tag hashes the flags that differ from their defaults: the one thing code caches are checked
// against, and what a worker's built-ins must match. node --test runs this file in its own process, so tuning
// V8 here touches no other test.
test('sgci flags change the code-cache tag, and a worker boots with the defaults', async () => {
  const plain = cachedDataVersionTag();
  const before = bootingWorker();
  assert.equal(cachedDataVersionTag(), plain, 'untuned, a boot changes nothing');
  before();

  tuneV8();
  const tuned = cachedDataVersionTag();
  assert.notEqual(tuned, plain);

  const first = bootingWorker();
  const second = bootingWorker();
  assert.equal(cachedDataVersionTag(), plain, 'defaults while a worker boots');
  first();
  first();
  assert.equal(cachedDataVersionTag(), plain, 'until the last booting worker is ready, however often one says so');
  second();
  assert.equal(cachedDataVersionTag(), tuned, 'tuned again after');

  const booted = bootingWorker();
  const worker = new Worker(
    "require('node:worker_threads').parentPort.postMessage(require('node:v8').cachedDataVersionTag())",
    { eval: true },
  );
  const workerTag = await new Promise<number>((resolve) => worker.once('message', resolve));
  booted();
  await worker.terminate();
  assert.equal(workerTag, plain, "the worker's built-ins load under the tag the Node binary cached them with");
  assert.equal(cachedDataVersionTag(), tuned);
});
