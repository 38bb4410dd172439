import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { cachedDataVersionTag } from 'node:v8';
import fc from 'fast-check';
import { BackgroundHasher, type BackgroundHashOptions, type HashedStream, HashWorkerError } from './background-hash.ts';
import type { DigestTable } from './digest-table.ts';
import { tuneV8 } from './v8-flags.ts';

const algorithms = ['md5', 'sha1'] as const;
const expected = (bytes: Uint8Array) => algorithms.map((a) => createHash(a).update(bytes).digest('hex'));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Files as byte arrays, each written in pieces of the given sizes. */
const filesArbitrary = fc.array(
  fc.record({
    bytes: fc.uint8Array({ maxLength: 5000, size: 'max' }),
    pieces: fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 30 },
);

async function hashAll(
  files: readonly { bytes: Uint8Array; pieces: readonly number[]; mask?: number }[],
  options: BackgroundHashOptions,
): Promise<DigestTable> {
  const hasher = new BackgroundHasher(algorithms, options);
  for (const [i, { bytes, pieces, mask }] of files.entries()) {
    assert.equal(hasher.begin(bytes.length, mask), i, 'slots are numbered in the order files begin');
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
  // A ring of 8 KiB: copies wrap around its end, and files over half of it go in several pieces.
  ['copied into a small ring, wrapping around', { ringBytes: 8192, ringRecords: 16, workerAfterBytes: 0 }],
  // The first files here, the rest on the worker once it has been started.
  ['here until 200 bytes, then on the worker', { ringBytes: 8192, workerAfterBytes: 200 }],
  ['on this thread', { inThread: true }],
  // Files larger than the ring, or than what it has free, are hashed here: the worker is behind.
  ['falling back to this thread when the ring is full', { ringBytes: 1024, ringRecords: 8, workerAfterBytes: 0 }],
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

for (const [name, options] of modes) {
  test(`a file is hashed with the algorithms its mask names, the others told apart as not taken, ${name}`, async () => {
    const masked = fc.array(
      fc.record({
        bytes: fc.uint8Array({ maxLength: 5000, size: 'max' }),
        pieces: fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 6 }),
        mask: fc.constantFrom(1, 2, 3),
      }),
      { minLength: 1, maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(masked, async (files) => {
        const digests = await hashAll(files, options);
        for (const [i, { bytes, mask }] of files.entries()) {
          const want = expected(bytes).map((hex, a) => ((mask >> a) & 1 ? hex : undefined));
          assert.deepEqual(digests.get(i), want);
        }
        assert.equal(digests.get(files.length), undefined, 'a slot never begun is not hashed at all');
      }),
      { numRuns: 15 },
    );
  });
}

test('a mask naming no algorithm, or one the hasher lacks, is a programming error', () => {
  const hasher = new BackgroundHasher(algorithms, { inThread: true });
  assert.throws(() => hasher.begin(1, 0), /algorithm mask 0/);
  assert.throws(() => hasher.begin(1, 4), /algorithm mask 4/);
});

/**
 * A layer's stream as the pass gives it: runs of at most `run` bytes taken from the stream's own memory, the
 * files' bytes handed over as views of the run they lie in. Files (not empty) follow one another in the stream,
 * each after a 512-byte header as in a tar, hashed with the algorithms `masks` names (all where it names none).
 * Returns the stream's digest and the number of waits for room.
 */
async function streamFiles(
  hasher: BackgroundHasher,
  files: readonly Uint8Array[],
  run: number,
  stream: HashedStream = hasher.stream('sha256', Number.POSITIVE_INFINITY),
  masks: readonly number[] = [],
): Promise<{ digest: string | undefined; bytes: Uint8Array; waits: number }> {
  const header = new Uint8Array(512).fill(0x2a);
  const parts: Uint8Array[] = [];
  for (const file of files) parts.push(header, file);
  const bytes = Buffer.concat(parts);
  // Where each byte of the stream belongs: -1 for headers, else the file's index; and where each file ends.
  const owner = new Int32Array(bytes.length).fill(-1);
  const ends: number[] = [];
  let at = 0;
  for (const [i, file] of files.entries()) {
    at += 512;
    owner.fill(i, at, at + file.length);
    at += file.length;
    ends.push(at);
  }
  let open = -1;
  let waits = 0;
  for (let offset = 0; offset < bytes.length; offset += run) {
    const piece = bytes.subarray(offset, offset + run);
    let space = stream.space(piece.length);
    if (!(space instanceof Uint8Array)) {
      waits++;
      space = await space;
    }
    space.set(piece);
    stream.take(piece.length);
    // The run's bytes go over file by file, as the tar parser hands out views of its chunk.
    for (let i = 0; i < piece.length; ) {
      const who = owner[offset + i] as number;
      let j = i;
      while (j < piece.length && owner[offset + j] === who) j++;
      if (who >= 0) {
        if (open !== who) {
          hasher.begin((files[who] as Uint8Array).length, masks[who]);
          open = who;
        }
        hasher.update(space.subarray(i, j));
        if (offset + j === ends[who]) {
          hasher.end();
          open = -1;
        }
      }
      i = j;
    }
  }
  return { digest: await stream.end(), bytes, waits };
}

test('a layer stream and the files in it get the digests createHash gives, through a ring they wrap around', async () => {
  const files = fc.array(fc.uint8Array({ minLength: 1, maxLength: 20_000, size: 'max' }), {
    minLength: 1,
    maxLength: 40,
  });
  await fc.assert(
    fc.asyncProperty(files, fc.integer({ min: 1, max: 2048 }), async (contents, run) => {
      // 8 KiB of ring, runs of up to 2 KiB: files larger than the ring span many runs and wraps.
      const hasher = new BackgroundHasher(algorithms, { ringBytes: 8192, ringRecords: 64, workerAfterBytes: 0 });
      // md5 only, sha1 only, both, in turn: each file's mask reaches the worker with its records
      const masks = contents.map((_, i) => (i % 3) + 1);
      const { digest, bytes } = await streamFiles(hasher, contents, run, undefined, masks);
      assert.equal(digest, sha256(bytes));
      const digests = await hasher.digests();
      for (const [i, content] of contents.entries()) {
        const want = expected(content).map((hex, a) => (((masks[i] as number) >> a) & 1 ? hex : undefined));
        assert.deepEqual(digests.get(i), want, `file ${i}`);
      }
    }),
    { numRuns: 20 },
  );
});

test('many tiny files in one run are hashed on the worker without running out of records', async () => {
  const files = Array.from({ length: 3000 }, (_, i) => new Uint8Array([i & 0xff, i >> 8]));
  const hasher = new BackgroundHasher(algorithms, { ringBytes: 64 * 1024, ringRecords: 256, workerAfterBytes: 0 });
  const { digest, bytes } = await streamFiles(hasher, files, 16 * 1024);
  assert.equal(digest, sha256(bytes));
  const digests = await hasher.digests();
  assert.equal(digests.size, files.length);
  for (const [i, file] of files.entries()) assert.deepEqual(digests.get(i), expected(file));
});

test('a full ring makes the pass wait for the worker, and the bytes stay right', async () => {
  // The worker needs ~30 ms to start; the pass fills 16 KiB long before: it must wait, not overwrite.
  const files = Array.from({ length: 8 }, (_, i) => new Uint8Array(100_000).fill(i + 1));
  const hasher = new BackgroundHasher(algorithms, { ringBytes: 16 * 1024, workerAfterBytes: 0 });
  const { digest, bytes, waits } = await streamFiles(hasher, files, 4096);
  assert.ok(waits > 0, 'the pass waited for room');
  assert.equal(digest, sha256(bytes));
  const digests = await hasher.digests();
  for (const [i, file] of files.entries()) assert.deepEqual(digests.get(i), expected(file));
});

test('a stream without an algorithm carries files only; one before the worker starts is hashed here', async () => {
  const files = [new Uint8Array(3000).fill(1), new Uint8Array(10).fill(2)];
  // Announced as small: this thread hashes it, and its files, without starting a worker.
  const here = new BackgroundHasher(algorithms, { workerAfterBytes: 1 << 20 });
  const small = await streamFiles(here, files, 1000, here.stream('sha256', 100));
  assert.equal(small.digest, sha256(small.bytes));
  const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
  assert.equal(ports(), 0, 'no worker started');
  assert.deepEqual((await here.digests()).get(1), expected(files[1] as Uint8Array));

  const ring = new BackgroundHasher(algorithms, { workerAfterBytes: 0 });
  const carried = await streamFiles(ring, files, 1000, ring.stream(undefined, 0));
  assert.equal(carried.digest, undefined);
  assert.deepEqual((await ring.digests()).get(0), expected(files[0] as Uint8Array));
});

test('a worker stopped mid-stream is a HashWorkerError for the stream, its digest and the files', async () => {
  const hasher = new BackgroundHasher(algorithms, { ringBytes: 16 * 1024, workerAfterBytes: 0 });
  const stream = hasher.stream('sha256', Number.POSITIVE_INFINITY);
  const first = await stream.space(1024);
  assert.equal(first.length, 1024);
  stream.take(1024);
  const ended = stream.end();
  await hasher[Symbol.asyncDispose]();
  await assert.rejects(
    ended,
    (error) => error instanceof HashWorkerError && /stopped before it answered/.test(error.message),
  );
  const next = hasher.stream('sha256', Number.POSITIVE_INFINITY);
  assert.throws(() => next.space(1024), HashWorkerError);
  await assert.rejects(hasher.digests(), HashWorkerError);
});

test('bytes outside the latest run are a programming error, said plainly', async () => {
  const hasher = new BackgroundHasher(algorithms, { workerAfterBytes: 0 });
  const stream = hasher.stream('sha256', Number.POSITIVE_INFINITY);
  const run = await stream.space(100);
  assert.equal(run.length, 100);
  stream.take(100);
  hasher.begin(10);
  assert.throws(() => hasher.update(new Uint8Array(10)), /outside the stream's latest run/);
  await hasher[Symbol.asyncDispose]();
});

test('digests stay right while the ring is refilled many times over', async () => {
  const chunk = new Uint8Array(64 * 1024).fill(7);
  const hasher = new BackgroundHasher(algorithms, { ringBytes: 256 * 1024, workerAfterBytes: 0 });
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

test('the generated files are large enough to wrap the ring and to start the worker', () => {
  // Guards the properties above: with tiny files they would never leave this thread.
  const sizes = fc.sample(filesArbitrary, 50).map((files) => files.reduce((n, f) => n + f.bytes.length, 0));
  assert.ok(sizes.filter((n) => n > 8192).length > 25, `total sizes ${sizes.join(',')}`);
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

// Last in this file: it tunes V8 for the rest of the process.
test("with waitForBoot a stream's first run waits for the worker's boot (V8's defaults), and goes on tuned", async () => {
  tuneV8();
  const tuned = cachedDataVersionTag();
  const going = new BackgroundHasher(algorithms, { workerAfterBytes: 0 });
  assert.ok(going.stream('sha256', 1024).space(1024) instanceof Uint8Array, 'without it, the pass goes on');
  await going[Symbol.asyncDispose]();
  const hasher = new BackgroundHasher(algorithms, { workerAfterBytes: 0, waitForBoot: true });
  const stream = hasher.stream('sha256', Number.POSITIVE_INFINITY);
  const first = stream.space(1024);
  assert.ok(first instanceof Promise, 'no run before the worker is up');
  assert.notEqual(cachedDataVersionTag(), tuned, "V8's defaults while the worker boots");
  const run = await first;
  assert.equal(cachedDataVersionTag(), tuned, 'tuned again when the pass goes on');
  run.fill(1);
  stream.take(1024);
  assert.equal(await stream.end(), createHash('sha256').update(new Uint8Array(1024).fill(1)).digest('hex'));
  await hasher[Symbol.asyncDispose]();
});
