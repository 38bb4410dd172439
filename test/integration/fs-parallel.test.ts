/**
 * The layer pass with layers inflated on worker threads gives exactly what the pass on one thread gives:
 * the same squashed tree, layer views, hidden and deleted lists, warnings, captured content, visitor and
 * sink calls in the same order, the same SBOM and scan report, and the same typed error naming the same
 * layer when a layer is corrupt, tampered with or too large.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { createDigestSink } from '../../src/checks/index.ts';
import {
  type Digest,
  DigestVerifier,
  defaultLimits,
  isSgciError,
  type Limits,
  withLimits,
} from '../../src/core/index.ts';
import { readFilesystem } from '../../src/oci/fs/index.ts';
import { layerJobs, maxLayerWorkers } from '../../src/oci/layer/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import type { FileEntry, FileNeeds, FileVisitor, ImageFilesystem, Layer } from '../../src/oci/types.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { renderJson } from '../../src/report/index.ts';
import { encodeSbom } from '../../src/sbom/index.ts';
import { runScan } from '../../src/scan/index.ts';
import { fixture, fixtureNames, fixturesMissing } from '../helpers/fixtures.ts';
import {
  compress,
  layerFromBlob,
  ociLayoutLayers,
  type SyntheticEntry,
  syntheticLayers,
  tarOf,
} from '../helpers/synthetic-image.ts';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
/** Worker counts compared with the pass on one thread (0). */
const workerCounts = [1, 2, 3];

/** Everything a pass yields, as text: two passes agree when their texts are equal. */
/**
 * `sinks`: with a sink the workers also hash the diffIDs; without, the pass's thread hashes them
 * (`hashInPass`): both ways are compared. `ring`: the scan's digest sink beside, whose hash worker takes
 * every layer's bytes from its ring (diffIDs and file digests off the pass's thread); its digests must
 * be the ones the plain sink computes.
 */
async function passText(
  layers: readonly Layer[],
  jobs: number,
  limits: Limits = defaultLimits,
  sinks = true,
  ring = false,
): Promise<string> {
  // The default ring: its runs are the chunks the pass parses otherwise, so a limit trips at the same byte.
  await using digests = ring ? createDigestSink({ workerAfterBytes: 0 }) : undefined;
  const sinkDigests = new Map<string, string>();
  const log: string[] = [];
  // When an asynchronous visit finishes depends on I/O timing on either path; what it saw does not.
  const finished: string[] = [];
  const needs: FileNeeds = {
    globs: ['/etc/**', '/usr/lib/**/*.so*', '/**/package.json'],
    paths: ['/var/lib/dpkg/status', '/link'],
    visitors: [
      {
        name: 'head',
        wants: (entry) => (entry.path.endsWith('.txt') ? undefined : 5),
        visit: (entry, content, truncated) => {
          log.push(`visit ${entry.path}@${entry.layer} ${sha(content)} ${truncated}`);
        },
      },
      {
        name: 'async',
        wants: (entry) => (entry.size > 3 ? entry.size : undefined),
        visit: async (entry, content) => {
          log.push(`async ${entry.path}@${entry.layer}`);
          const digest = sha(content);
          await new Promise((resolve) => setImmediate(resolve));
          finished.push(`async ${entry.path}@${entry.layer} ${digest}`);
        },
      },
    ],
    sinks: [
      ...(sinks ? [0] : []).map(() => ({
        name: 'all',
        open: (entry: FileEntry) => {
          const hash = createHash('sha256');
          return {
            write: (chunk: Uint8Array) => hash.update(chunk),
            end: () => {
              const hex = hash.digest('hex');
              sinkDigests.set(`${entry.layer}:${entry.path}`, hex);
              log.push(`sink ${entry.path} ${hex}`);
            },
          };
        },
      })),
      ...(digests ? [digests.sink] : []),
    ],
  };
  let fs: ImageFilesystem;
  try {
    // Every layer goes to the workers, however small: the tests' layers are.
    fs = await readFilesystem(layers, needs, { limits, jobs, minWorkerBytes: 0 });
  } catch (error) {
    const { code, input, message } = error as { code?: string; input?: string; message: string };
    return `error ${code} ${input} ${message}`;
  }
  if (digests !== undefined) {
    const { sha256 } = await digests.result();
    let compared = 0;
    for (const [key, hex] of sinkDigests) {
      const ringHex = sha256?.get(key);
      if (ringHex === undefined) continue;
      assert.equal(ringHex, hex, `sha256 of ${key} from the ring`);
      compared++;
    }
    // Files under /var/cache, /tmp and the like are not hashed (file-digests.ts): the others must have been.
    const packaged = [...sinkDigests.keys()].some((key) => /^\d+:\/(etc|usr\/bin)\//.test(key));
    assert.ok(compared > 0 || !packaged, 'the ring hashed files');
  }
  const out = [...log, ...finished.sort()];
  const show = async (view: ImageFilesystem['squashed']) => {
    for (const entry of view.entries()) {
      const content = view.hasContent(entry) ? sha(await view.read(entry)) : '-';
      out.push(`${JSON.stringify(entry, (_k, v) => (v instanceof Uint8Array ? sha(v) : v))} ${content}`);
    }
  };
  await show(fs.squashed);
  for (let i = 0; i < layers.length; i++) {
    out.push(`layer ${i}`);
    await show(fs.layer(i));
  }
  out.push(JSON.stringify({ hidden: fs.hidden, deleted: fs.deleted, warnings: fs.warnings }));
  return out.join('\n');
}

async function assertSameForAllJobs(layers: readonly Layer[], limits?: Limits): Promise<string> {
  const sequential = await passText(layers, 0, limits);
  for (const jobs of workerCounts) assert.equal(await passText(layers, jobs, limits), sequential, `${jobs} workers`);
  const withoutSinks = await passText(layers, 0, limits, false);
  assert.equal(await passText(layers, 2, limits, false), withoutSinks, 'diffIDs hashed by the pass');
  for (const jobs of [0, 2]) {
    assert.equal(await passText(layers, jobs, limits, true, true), sequential, `${jobs} workers, hashed on the ring`);
  }
  return sequential;
}

const lower: SyntheticEntry[] = [
  { path: 'etc/', type: 'dir' },
  { path: 'etc/os-release', content: 'ID=debian\n' },
  { path: 'etc/shadow', content: 'root:*:19000::::::\n', mode: 0o600 },
  { path: 'usr/bin/', type: 'dir' },
  { path: 'usr/bin/perl', content: 'ELF-perl-'.repeat(50_000), mode: 0o755 },
  { path: 'usr/bin/perl5', type: 'hardlink', linkTarget: 'usr/bin/perl' },
  { path: 'bin', type: 'symlink', linkTarget: 'usr/bin' },
  { path: 'link', type: 'symlink', linkTarget: 'etc/os-release' },
  { path: 'var/cache/app/a.txt', content: 'a' },
  { path: 'var/cache/app/b.o', content: 'bbbb' },
  { path: 'var/lib/dpkg/status', content: 'Package: perl\nStatus: install ok installed\n' },
];
const middle: SyntheticEntry[] = [
  { path: 'etc/.wh.shadow' },
  { path: 'var/cache/app/', type: 'dir' },
  { path: 'var/cache/app/.wh..wh..opq' },
  { path: 'var/cache/app/c.o', content: 'cccc' },
  { path: 'bin/env', content: '#!/bin/sh\n' },
  { path: 'usr/bin/perl', content: 'ELF-perl-2' },
  { path: 'app/node_modules/x/package.json', content: '{"name":"x","version":"1.0.0"}' },
];
const top: SyntheticEntry[] = [
  { path: 'usr/bin/.wh.perl' },
  { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' },
  { path: 'var/lib/dpkg/status', content: 'Package: perl\nStatus: deinstall ok config-files\n' },
  { path: 'usr/bin/perl6', type: 'hardlink', linkTarget: 'usr/bin/perl5' },
];

for (const compression of ['gzip', 'zstd', 'none'] as const) {
  test(`${compression}: whiteouts, opaque dirs, overwrites and hardlinks across layers read the same on workers`, async () => {
    const layers = await syntheticLayers([lower, middle, top], { compression, chunkSize: 777 });
    const text = await assertSameForAllJobs(layers);
    assert.match(text, /sink \/usr\/bin\/perl /);
  });
}

test('generated multi-layer images read the same on workers as on one thread', async () => {
  const names = ['a', 'b', 'c', 'd'];
  const path = fc
    .tuple(fc.constantFrom('', 'x/', 'x/y/', 'z/'), fc.constantFrom(...names))
    .map(([dir, name]) => `${dir}${name}`);
  const entry: fc.Arbitrary<SyntheticEntry> = fc.oneof(
    fc.record({ path, content: fc.string({ maxLength: 40 }) }),
    fc.record({ path: fc.constantFrom('x/', 'x/y/', 'z/'), type: fc.constant('dir' as const) }),
    path.map((p) => ({ path: `${p.slice(0, p.lastIndexOf('/') + 1)}.wh.${p.slice(p.lastIndexOf('/') + 1)}` })),
    fc.constantFrom('x/', 'x/y/', 'z/', '').map((dir) => ({ path: `${dir}.wh..wh..opq` })),
    fc.record({ path, type: fc.constant('symlink' as const), linkTarget: fc.constantFrom('x', '../z', '/x/y', 'a') }),
    fc.record({ path, type: fc.constant('hardlink' as const), linkTarget: path }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(entry, { maxLength: 12 }), { minLength: 2, maxLength: 5 }),
      fc.constantFrom('gzip' as const, 'zstd' as const),
      async (layerEntries, compression) => {
        const layers = await syntheticLayers(layerEntries, { compression, chunkSize: 300 });
        await assertSameForAllJobs(layers);
      },
    ),
    { numRuns: 60, seed: 20261207 },
  );
});

/** Layer 1 of three is `damaged`; the others are sound. */
async function withMiddleLayer(damaged: (tar: Buffer, blob: Buffer) => Layer): Promise<Layer[]> {
  const [first, , last] = await syntheticLayers([lower, middle, top]);
  const tar = await tarOf(middle);
  return [first as Layer, damaged(tar, compress(tar, 'gzip')), last as Layer];
}

test('a corrupt layer is the same LAYER_CORRUPT naming that layer on workers', async () => {
  const layers = await withMiddleLayer((tar, blob) => {
    const broken = Buffer.from(blob);
    broken.fill(0x55, 40, 120);
    return layerFromBlob(1, broken, tar, { chunkSize: 50 });
  });
  const text = await assertSameForAllJobs(layers);
  assert.match(text, /^error LAYER_CORRUPT (sha256:\S+) \1: layer 1: gzip stream is corrupt/);
  assert.ok(text.includes(String(layers[1]?.digest)));
});

test('randomly damaged layers give the same result or the same error on workers', async () => {
  const [first, , last] = await syntheticLayers([lower, middle, top]);
  const tar = await tarOf(middle);
  const blob = compress(tar, 'gzip');
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ at: fc.nat({ max: blob.length - 1 }), value: fc.nat({ max: 255 }) }), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.nat({ max: blob.length }),
      fc.integer({ min: 50, max: 5000 }),
      async (edits, cut, chunkSize) => {
        const damaged = Buffer.from(blob.subarray(0, Math.max(cut, 1)));
        for (const { at, value } of edits) if (at < damaged.length) damaged[at] = value;
        const layers = [first as Layer, layerFromBlob(1, damaged, tar, { chunkSize }), last as Layer];
        const sequential = await passText(layers, 0);
        assert.equal(await passText(layers, 2), sequential);
      },
    ),
    { numRuns: 40, seed: 20261207 },
  );
});

test('a truncated layer is the same LAYER_CORRUPT on workers', async () => {
  const layers = await withMiddleLayer((tar, blob) => layerFromBlob(1, blob.subarray(0, blob.length - 30), tar));
  assert.match(await assertSameForAllJobs(layers), /^error LAYER_CORRUPT (sha256:\S+) \1: layer 1: /);
});

test('a blob that is not what its digest names is the same DIGEST_MISMATCH on workers', async () => {
  const layers = await withMiddleLayer((tar, blob) => {
    const tampered = Buffer.from(blob);
    tampered.fill(0x55, 40, 120);
    const layer = layerFromBlob(1, blob, tar);
    // The source verifies what it serves against the digest of the untampered blob, as a registry client does.
    return {
      ...layer,
      open: async () =>
        Readable.from([tampered.subarray(0, 100), tampered.subarray(100)]).pipe(
          new DigestVerifier(layer.digest, 'blob'),
        ),
    };
  });
  assert.match(await assertSameForAllJobs(layers), /^error DIGEST_MISMATCH /);
});

test('an uncompressed stream that is not its diffID is the same DIGEST_MISMATCH naming the layer', async () => {
  const layers = await withMiddleLayer((tar, blob) =>
    layerFromBlob(1, blob, tar, { diffId: `sha256:${'0'.repeat(64)}` as Digest }),
  );
  assert.match(
    await assertSameForAllJobs(layers),
    /^error DIGEST_MISMATCH (sha256:\S+) \1: layer 1: uncompressed content does not match diffID/,
  );
});

test('a wrong diffID in an earlier layer is the error, though a later layer is corrupt, on workers and the ring', async () => {
  // On the ring the diffID's verdict comes after the pass has moved on: the earlier layer's must still win.
  const [first, middleLayer] = await withMiddleLayer((tar, blob) =>
    layerFromBlob(1, blob, tar, { diffId: `sha256:${'0'.repeat(64)}` as Digest }),
  );
  const tar = await tarOf(top);
  const broken = compress(tar, 'gzip');
  broken.fill(0x55, 40, 120);
  const layers = [first as Layer, middleLayer as Layer, layerFromBlob(2, broken, tar)];
  assert.match(
    await assertSameForAllJobs(layers),
    /^error DIGEST_MISMATCH (sha256:\S+) \1: layer 1: uncompressed content does not match diffID/,
  );
});

test('a hash worker that stops mid-pass ends the pass with IO_ERROR naming a layer, not a corrupt layer', async () => {
  const layers = await syntheticLayers([lower, middle, top], { chunkSize: 777 });
  await using digests = createDigestSink({ workerAfterBytes: 0 });
  const stopper: FileVisitor = {
    name: 'stopper',
    wants: (entry) => (entry.path === '/etc/os-release' && entry.layer === 0 ? 0 : undefined),
    // as the worker dying would: from here on, nothing given to it is hashed
    visit: () => void digests[Symbol.asyncDispose](),
  };
  await assert.rejects(
    readFilesystem(layers, { visitors: [stopper], sinks: [digests.sink] }, { limits: defaultLimits, jobs: 0 }),
    (error) => {
      assert.ok(isSgciError(error, 'IO_ERROR'), String(error));
      assert.match(error.message, /: layer \d: hash worker stopped before it answered$/);
      return true;
    },
  );
  await assert.rejects(digests.result(), /hash worker stopped before it answered/);
});

test('size, entry and ratio limits end the pass with the same error on workers', async () => {
  const layers = await syntheticLayers([lower, middle, top]);
  for (const limits of [
    withLimits({ maxLayerBytes: 200_000 }),
    withLimits({ maxImageBytes: 420_000 }),
    withLimits({ maxEntries: 14 }),
  ]) {
    assert.match(await assertSameForAllJobs(layers, limits), /^error LIMIT_EXCEEDED /);
  }
  // The blob's size is counted as its chunks come (the first chunk only sniffs the compression).
  const chunked = await syntheticLayers([lower, middle, top], { chunkSize: 100 });
  assert.match(
    await assertSameForAllJobs(chunked, withLimits({ maxBlobBytes: 300 })),
    /^error LIMIT_EXCEEDED \S+ \S+ layer \d: blob is larger than maxBlobBytes 300/,
  );
  // A bomb behind a sound layer: read no further than the ratio allows, also while the worker runs ahead.
  const bombTar = await tarOf([{ path: 'zeros', content: new Uint8Array(80 * 1024 * 1024) }]);
  const bomb = layerFromBlob(1, compress(bombTar, 'gzip'), bombTar);
  const text = await assertSameForAllJobs([layers[0] as Layer, bomb], withLimits({ maxCompressionRatio: 50 }));
  assert.match(text, /^error LIMIT_EXCEEDED (sha256:\S+) \1: layer 1: decompresses more than maxCompressionRatio 50x/);
});

test('an aborted pass stops its workers and rejects with the reason', async () => {
  const layers = await syntheticLayers([lower, middle, top]);
  const controller = new AbortController();
  const reason = new Error('stop');
  const pass = readFilesystem(
    layers,
    {
      visitors: [
        {
          name: 'abort',
          wants: () => 1,
          visit: () => controller.abort(reason),
        },
      ],
    },
    { limits: defaultLimits, jobs: 2, minWorkerBytes: 0, signal: controller.signal },
  );
  await assert.rejects(pass, (error) => error === reason);
});

test('SGCI_JOBS sets the workers (0: none), else one per core beside the pass, none for a pass with sinks', () => {
  assert.equal(layerJobs({ SGCI_JOBS: '0' }), 0);
  assert.equal(layerJobs({ SGCI_JOBS: '3' }), 3);
  assert.equal(layerJobs({ SGCI_JOBS: '3' }, true), 3);
  assert.equal(layerJobs({ SGCI_JOBS: '1000' }), maxLayerWorkers);
  assert.equal(layerJobs({}), Math.min(availableParallelism() - 1, maxLayerWorkers));
  assert.equal(layerJobs({}, true), 0);
  assert.equal(layerJobs({ SGCI_JOBS: 'many' }), layerJobs({}));
});

const skip = fixturesMissing();

for (const name of fixtureNames) {
  test(`${name}: the pass, the SBOM and the scan report are the same on workers`, { skip }, async () => {
    const layers = await ociLayoutLayers(fixture(name).ociDir);
    const sequential = await passText(layers, 0);
    assert.equal(await passText(layers, 2), sequential);
    assert.equal(await passText(layers, 2, defaultLimits, false), await passText(layers, 0, defaultLimits, false));
    const outputs: string[] = [];
    const saved = process.env.SGCI_JOBS;
    try {
      for (const jobs of ['0', '2']) {
        process.env.SGCI_JOBS = jobs;
        await using image = await openImage(`oci-dir:${fixture(name).ociDir}`);
        const outcome = await runScan({
          subject: { image },
          needs: { vulns: true, checks: true },
          policy: defaultPolicy,
          now: new Date('2026-06-01T00:00:00Z'),
        });
        assert.ok(outcome.checks);
        outputs.push(`${encodeSbom(outcome.sbom, 'cyclonedx-json')}\n${renderJson(outcome.checks.report)}`);
      }
    } finally {
      if (saved === undefined) delete process.env.SGCI_JOBS;
      else process.env.SGCI_JOBS = saved;
    }
    assert.equal(outputs[1], outputs[0]);
  });
}
