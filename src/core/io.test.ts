import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { BackgroundHasher } from './background-hash.ts';
import { digestOf, verifyChunks } from './digest.ts';
import { isSgciError } from './errors.ts';
import { blobReadBytes, readFileChunks } from './io.ts';

const dir = mkdtempSync(join(tmpdir(), 'sgci-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Three and a half read buffers: the two buffers are each reused, and the last read is short.
const content = randomBytes(blobReadBytes * 3 + blobReadBytes / 2);
const file = join(dir, 'blob');
writeFileSync(file, content);

/** Copies each chunk before asking for the next, as the contract requires. */
async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const copies: Buffer[] = [];
  for await (const chunk of chunks) copies.push(Buffer.from(chunk));
  return Buffer.concat(copies);
}

test('readFileChunks yields the whole file in reused buffers of at most blobReadBytes', async () => {
  const sizes: number[] = [];
  const copies: Buffer[] = [];
  for await (const chunk of readFileChunks(file)) {
    sizes.push(chunk.length);
    copies.push(Buffer.from(chunk));
  }
  assert.deepEqual(sizes, [blobReadBytes, blobReadBytes, blobReadBytes, blobReadBytes / 2]);
  assert.ok(Buffer.concat(copies).equals(content));
});

test('readFileChunks reads exactly the byte range asked for', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc
        .integer({ min: 0, max: content.length })
        .chain((offset) =>
          fc.record({ offset: fc.constant(offset), length: fc.integer({ min: 0, max: content.length - offset }) }),
        ),
      async (range) => {
        const got = await collect(readFileChunks(file, range));
        assert.ok(got.equals(content.subarray(range.offset, range.offset + range.length)));
      },
    ),
    { numRuns: 25 },
  );
});

test('a consumer may stop early; the file is closed and can be read again', async () => {
  for await (const chunk of readFileChunks(file)) {
    assert.equal(chunk.length, blobReadBytes);
    break;
  }
  assert.ok((await collect(readFileChunks(file))).equals(content));
});

test('readFileChunks of a missing file fails with the OS error', async () => {
  await assert.rejects(collect(readFileChunks(join(dir, 'missing'))), { code: 'ENOENT' });
});

test('verifyChunks passes content through unchanged when it matches digest and size', async () => {
  const got = await collect(verifyChunks(readFileChunks(file), digestOf(content), 'blob', content.length));
  assert.ok(got.equals(content));
});

test('verifyChunks hashed on a hash worker: the iteration checks the size, the verdict the digest', async () => {
  const digest = digestOf(content);
  for (const [what, source, size, thrown, verdict] of [
    ['same content', readFileChunks(file), content.length, undefined, undefined],
    ['other content', readFileChunks(file, { offset: 1, length: 10 }), undefined, undefined, /does not match digest/],
    ['too long', readFileChunks(file), content.length - 1, /larger than its descriptor size/, undefined],
    ['too short', readFileChunks(file), content.length + 1, /descriptor says/, undefined],
  ] as const) {
    await using hasher = new BackgroundHasher([], { workerAfterBytes: 0, ringBytes: 64 * 1024 });
    const chunks = verifyChunks(source, digest, 'layer.tar', size);
    chunks.hashOn(hasher.stream('sha256', Number.POSITIVE_INFINITY));
    if (thrown !== undefined) {
      await assert.rejects(collect(chunks), thrown, what);
      continue;
    }
    // The bytes pass unchanged and unjudged: the digest is the worker's to hash.
    const got = await collect(chunks);
    if (what === 'same content') assert.ok(got.equals(content));
    const failure = await chunks.verdict();
    if (verdict === undefined) assert.equal(failure, undefined, what);
    else {
      assert.ok(isSgciError(failure, 'DIGEST_MISMATCH'), `${what}: ${String(failure)}`);
      assert.equal(failure.input, 'layer.tar');
      assert.match(failure.message, verdict, what);
    }
  }
});

test('verifyChunks ends in DIGEST_MISMATCH naming the input for wrong content, too many or too few bytes', async () => {
  const digest = digestOf(content);
  const cases: [string, AsyncIterable<Uint8Array>, number | undefined, RegExp][] = [
    ['other content', readFileChunks(file, { offset: 1, length: 10 }), undefined, /does not match digest/],
    ['too long', readFileChunks(file), content.length - 1, /larger than its descriptor size/],
    ['too short', readFileChunks(file), content.length + 1, /descriptor says/],
  ];
  for (const [what, source, size, message] of cases) {
    await assert.rejects(collect(verifyChunks(source, digest, 'layer.tar', size)), (error) => {
      assert.ok(isSgciError(error, 'DIGEST_MISMATCH'), `${what}: ${String(error)}`);
      assert.equal(error.input, 'layer.tar');
      assert.match(error.message, message, what);
      return true;
    });
  }
});
