/**
 * The blob cache shared by concurrent processes: two writers racing on the same blob, readers that
 * must never see a partial file, and two sgci processes pulling the same image from the real registry
 * into one cache at the same time.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { BlobCache } from '../../src/cache/index.ts';
import type { Digest } from '../../src/core/index.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { raceBlob } from '../helpers/registry-cache-worker.ts';

const run = promisify(execFile);
const worker = resolve(import.meta.dirname, '..', 'helpers', 'registry-cache-worker.ts');
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sgci-cache-race-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function spawnWorker(...args: string[]) {
  return run(process.execPath, [worker, ...args], { maxBuffer: 1024 * 1024 });
}

test('two processes committing the same blob never expose a partial file', async () => {
  const dir = join(root, 'race');
  const bytes = raceBlob('race');
  const digest = sha256(bytes) as Digest;
  const cache = new BlobCache({ dir });
  const writers = Promise.all([spawnWorker('write', dir, 'race', '8'), spawnWorker('write', dir, 'race', '8')]);
  let finished = false;
  void writers.finally(() => {
    finished = true;
  });
  let observed = 0;
  while (!finished) {
    // every time the blob is visible it must be complete and correct
    const content = await readFile(cache.pathOf(digest)).catch(() => undefined);
    if (content) {
      observed++;
      assert.equal(content.length, bytes.length);
      assert.equal(sha256(content), digest);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const results = await writers;
  for (const { stdout } of results) assert.deepEqual(JSON.parse(stdout), { digest, rounds: 8 });
  assert.ok(observed > 0, 'the reader saw the blob while the writers ran');
  assert.equal(sha256(await readFile(cache.pathOf(digest))), digest);
  assert.deepEqual(await readdir(join(dir, 'tmp')), [], 'no temp file is left behind');
  assert.deepEqual(await cache.info(), { dir, entries: 1, bytes: bytes.length });
});

test('two processes pulling one image from the registry into one cache both succeed', {
  skip: fixturesMissing(),
}, async () => {
  let registry: TestRegistry | undefined;
  try {
    registry = await startRegistry({ auth: 'none' });
    await registry.push(fixture('distroless-static').ociDir, 'fixtures/distroless-static:v1');
    const dir = join(root, 'pull');
    const runs = await Promise.all([
      spawnWorker('pull', dir, registry.host, 'fixtures/distroless-static', 'v1'),
      spawnWorker('pull', dir, registry.host, 'fixtures/distroless-static', 'v1'),
    ]);
    const [first, second] = runs.map((r) => JSON.parse(r.stdout) as { digests: string[] });
    assert.deepEqual(first, second);
    const cache = new BlobCache({ dir });
    const entries = await cache.entries();
    assert.deepEqual(entries.map((e) => e.digest).sort(), [...new Set(first?.digests)].sort());
    for (const entry of entries) {
      const original = await readFile(
        join(fixture('distroless-static').ociDir, 'blobs', 'sha256', entry.digest.slice(7)),
      );
      assert.equal(sha256(await readFile(cache.pathOf(entry.digest))), entry.digest);
      assert.equal(entry.size, original.length);
    }
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  } finally {
    await registry?.stop();
  }
});

test('sgci cache prune --max-size removes the least recently used blobs; cache info reports the rest', async () => {
  const dir = join(root, 'cli');
  const cache = new BlobCache({ dir });
  const blobs = ['a', 'b', 'c'].map((name) => Buffer.alloc(100, name));
  for (const [i, bytes] of blobs.entries()) {
    const digest = sha256(bytes) as Digest;
    await cache.put(digest, bytes);
    const t = new Date(Date.UTC(2026, 0, 1, 0, i));
    await utimes(cache.pathOf(digest), t, t);
  }
  const sgci = resolve(import.meta.dirname, '..', '..', 'bin', 'sgci.js');
  const env = { ...process.env, SGCI_CACHE_DIR: dir, SGCI_CACHE_MAX_SIZE: '' };
  const pruned = await run(process.execPath, [sgci, 'cache', 'prune', '--max-size', '250', '--format', 'json'], {
    env,
  });
  const result = JSON.parse(pruned.stdout) as { removed: { digest: string; size: number }[]; remainingBytes: number };
  assert.deepEqual(
    result.removed.map((e) => [e.digest, e.size]),
    [[sha256(blobs[0] ?? Buffer.alloc(0)), 100]],
  );
  assert.equal(result.remainingBytes, 200);
  const info = await run(process.execPath, [sgci, 'cache', 'info', '--format', 'json'], { env });
  assert.deepEqual(JSON.parse(info.stdout), { dir, entries: 2, bytes: 200, maxBytes: 10 * 1024 ** 3 });
  await assert.rejects(run(process.execPath, [sgci, 'cache', 'prune', '--max-size', 'lots'], { env }), (error) => {
    const failed = error as { code: number; stderr: string };
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /^sgci: --max-size: not a size/);
    return true;
  });
});
