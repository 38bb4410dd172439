import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { cachedDataVersionTag, setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { bootWorker, loadBuiltins, tuneV8 } from './v8-flags.ts';

// V8's code-cache tag hashes the flags that differ from their defaults: the one thing code caches are checked
// against, and what a worker's built-ins must match. node --test runs this file in its own process, so tuning
// V8 here touches no other test.

/** A worker that answers each message with the code-cache tag it sees. */
function tagWorker(): Worker {
  return new Worker(
    "const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => parentPort.postMessage(require('node:v8').cachedDataVersionTag()))",
    { eval: true },
  );
}

async function tagOf(worker: Worker): Promise<number> {
  worker.postMessage('tag');
  const [tag] = await once(worker, 'message');
  return tag as number;
}

test('workers boot with the defaults, until the last of them is up; then sgci flags again', async () => {
  const plain = cachedDataVersionTag();
  const { worker: untuned, booted: nothingToWait } = bootWorker(tagWorker);
  assert.equal(nothingToWait, undefined, 'untuned, there is no boot to wait for');
  assert.equal(cachedDataVersionTag(), plain);
  assert.equal(await tagOf(untuned), plain, 'untuned, a boot changes nothing');
  await untuned.terminate();

  tuneV8();
  const tuned = cachedDataVersionTag();
  assert.notEqual(tuned, plain);

  const { worker: first, booted: firstBooted } = bootWorker(tagWorker);
  const { worker: second, booted: secondBooted } = bootWorker(tagWorker);
  assert.equal(cachedDataVersionTag(), plain, 'defaults while workers boot');
  assert.equal(await tagOf(first), plain, "the worker's built-ins load under the tag the Node binary cached them with");
  await firstBooted;
  assert.equal(cachedDataVersionTag(), plain, 'until the last booting worker has said something');
  assert.equal(await tagOf(second), plain);
  await secondBooted;
  assert.equal(cachedDataVersionTag(), tuned, 'tuned again after');
  await tagOf(first);
  assert.equal(cachedDataVersionTag(), tuned, 'a later message changes nothing');
  await Promise.all([first.terminate(), second.terminate()]);
});

test('a worker that fails to boot ends its boot, and one that cannot start leaves the flags as they were', async () => {
  tuneV8();
  const tuned = cachedDataVersionTag();
  const failing = bootWorker(() => new Worker('throw new Error("no boot")', { eval: true }));
  assert.notEqual(cachedDataVersionTag(), tuned);
  await Promise.all([once(failing.worker, 'error'), failing.booted]);
  assert.equal(cachedDataVersionTag(), tuned);
  assert.throws(
    () =>
      bootWorker(() => {
        throw new Error('no thread');
      }),
    /no thread/,
  );
  assert.equal(cachedDataVersionTag(), tuned);
});

test('built-ins loaded at the point of use load under the defaults, and leave the flags as they were', async () => {
  tuneV8();
  const tuned = cachedDataVersionTag();
  const tags: number[] = [];
  const { getBuiltinModule } = process;
  process.getBuiltinModule = ((name: string) => {
    tags.push(cachedDataVersionTag());
    return getBuiltinModule(name);
  }) as typeof getBuiltinModule;
  try {
    loadBuiltins(['node:http', 'node:tls']);
    assert.equal(tags.length, 2);
    assert.ok(
      tags.every((tag) => tag !== tuned),
      'each loads under the tag the Node binary cached it with',
    );
    assert.equal(cachedDataVersionTag(), tuned, 'tuned again after');
    // inside a worker's boot the defaults hold already, and still hold after
    const booting = bootWorker(tagWorker);
    const plain = cachedDataVersionTag();
    loadBuiltins(['node:http2']);
    assert.equal(tags.at(-1), plain);
    assert.equal(cachedDataVersionTag(), plain, "the worker's boot is not over");
    await tagOf(booting.worker);
    await booting.booted;
    assert.equal(cachedDataVersionTag(), tuned);
    await booting.worker.terminate();
  } finally {
    process.getBuiltinModule = getBuiltinModule;
  }
});

test("the build profile keeps V8's old-generation growth and nothing else of the defaults; a boot returns to it", async () => {
  tuneV8('scan');
  const scan = cachedDataVersionTag();
  tuneV8('build');
  const build = cachedDataVersionTag();
  assert.notEqual(build, scan);
  setFlagsFromString('--heap-growing-percent=25');
  assert.equal(cachedDataVersionTag(), scan, 'the profiles differ in that one flag');
  setFlagsFromString('--heap-growing-percent=0');
  assert.equal(cachedDataVersionTag(), build);
  const booting = bootWorker(tagWorker);
  assert.notEqual(cachedDataVersionTag(), build, 'defaults while the worker boots');
  await tagOf(booting.worker);
  await booting.booted;
  assert.equal(cachedDataVersionTag(), build, 'the build profile again after');
  await booting.worker.terminate();
});
