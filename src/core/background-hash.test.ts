import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { BackgroundHasher, type BackgroundHashOptions, type DigestTable } from './background-hash.ts';

const algorithms = ['md5', 'sha1'] as const;
const expected = (bytes: Uint8Array) => algorithms.map((a) => createHash(a).update(bytes).digest('hex'));

/** Files as byte arrays, each written in pieces of the given sizes. */
const filesArbitrary = fc.array(
  fc.record({
    bytes: fc.uint8Array({ maxLength: 5000, size: 'max' }),
    pieces: fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 30 },
);

async function hashAll(
  files: readonly { bytes: Uint8Array; pieces: readonly number[] }[],
  options: BackgroundHashOptions,
): Promise<DigestTable> {
  const hasher = new BackgroundHasher(algorithms, options);
  for (const [i, { bytes, pieces }] of files.entries()) {
    assert.equal(hasher.begin(bytes.length), i, 'slots are numbered in the order files begin');
    let offset = 0;
    for (let p = 0; offset < bytes.length; p++) {
      const n = pieces[p % pieces.length] ?? 1;
      hasher.update(bytes.subarray(offset, offset + n));
      offset += n;
    }
    hasher.end();
  }
  return hasher.digests();
}

const modes: [string, BackgroundHashOptions][] = [
  // Tiny batches: files span batches and batches hold many files.
  ['on the worker, files spanning batches', { batchBytes: 1000, workerAfterBytes: 0 }],
  // The first files here, the rest on the worker once it has been started.
  ['here until 200 bytes, then on the worker', { batchBytes: 1000, workerAfterBytes: 200 }],
  ['on this thread', { inThread: true }],
  // One buffer, and no file over 100 bytes: most files fall back to this thread, the rest wait for room.
  ['falling back to this thread', { batchBytes: 1000, maxBuffers: 1, maxFileBytes: 100, workerAfterBytes: 0 }],
];

for (const [name, options] of modes) {
  test(`BackgroundHasher gives every file the digests createHash gives, ${name}`, async () => {
    await fc.assert(
      fc.asyncProperty(filesArbitrary, async (files) => {
        const digests = await hashAll(files, options);
        assert.equal(digests.size, files.length);
        for (const [i, { bytes }] of files.entries()) assert.deepEqual(digests.get(i), expected(bytes));
      }),
      { numRuns: 15 },
    );
  });
}

test('digests stay right while batch buffers come back from the worker and are refilled', async () => {
  const chunk = new Uint8Array(64 * 1024).fill(7);
  const hasher = new BackgroundHasher(algorithms, { batchBytes: 256 * 1024, workerAfterBytes: 0 });
  for (let i = 0; i < 400; i++) {
    hasher.begin(chunk.length);
    hasher.update(chunk);
    hasher.end();
    // The pass yields to the event loop between reads; so does this loop, now and then.
    if (i % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const digests = await hasher.digests();
  assert.equal(digests.size, 400);
  assert.deepEqual(digests.get(399), expected(chunk));
  assert.equal(digests.get(400), undefined, 'a slot never begun has no digests');
});

test('update or end without begin is a programming error, said plainly', () => {
  const hasher = new BackgroundHasher(algorithms, { inThread: true });
  assert.throws(() => hasher.update(new Uint8Array(1)), /without begin/);
  assert.throws(() => hasher.end(), /without begin/);
});

test('the generated files are large enough to span batches and to start the worker', () => {
  // Guards the properties above: with tiny files they would never leave this thread.
  const sizes = fc.sample(filesArbitrary, 50).map((files) => files.reduce((n, f) => n + f.bytes.length, 0));
  assert.ok(sizes.filter((n) => n > 3000).length > 25, `total sizes ${sizes.join(',')}`);
});

test('a file whose last byte fills a batch exactly still gets its digests', async () => {
  const hasher = new BackgroundHasher(algorithms, { batchBytes: 100, workerAfterBytes: 0 });
  const exact = new Uint8Array(100).fill(1);
  const slot = hasher.begin(exact.length);
  hasher.update(exact);
  hasher.end();
  const digests = await hasher.digests();
  assert.deepEqual(digests.get(slot), expected(exact));
});

test('disposing a hasher whose digests were never asked for stops its worker (a failed pass leaks no thread)', async () => {
  const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
  const before = ports();
  {
    await using hasher = new BackgroundHasher(algorithms, { workerAfterBytes: 0 });
    hasher.begin(10);
    hasher.update(new Uint8Array(10));
    hasher.end();
    assert.equal(ports(), before + 1, 'the worker runs');
  }
  assert.equal(ports(), before, 'the worker is gone');
});
