import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { gzipBlockBytes, gzipFixed, gzippedLayerTar, layerTar } from './layer-tar.ts';
import { compareTreeOrder, type TreeNode } from './tree.ts';

/** Bytes that compress like a layer: text-like runs, repeats that reach back across block boundaries, noise. */
function layerLike(size: number): Buffer {
  const out = Buffer.alloc(size);
  const noise = randomBytes(size);
  for (let i = 0; i < size; i++) {
    const far = i - gzipBlockBytes + 100;
    out[i] =
      i % 9000 < 3000 ? 97 + (i % 23) : i % 9000 < 6000 && far >= 0 ? (out[far] as number) : (noise[i] as number);
  }
  return out;
}

test('parallel gzip gives the same bytes with one block in flight and with many, and gunzip and gzip -t accept it', async () => {
  const data = layerLike(3 * gzipBlockBytes + 12_345);
  const one = await gzipFixed(data, 1, 1);
  for (const inFlight of [2, 3, 8, 64])
    assert.ok((await gzipFixed(data, 1, inFlight)).equals(one), `${inFlight} in flight`);
  assert.ok(gunzipSync(one).equals(data));
  // the system's gzip reads it as one member with the right CRC and length
  execFileSync('gzip', ['-t'], { input: one });
  assert.deepEqual([...one.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff], 'the fixed header');
});

test('the dictionary keeps matches across block boundaries: blocks cost little against one deflate stream', async () => {
  // 20 KiB of noise, repeated: one stream stores it once; blocks without the previous 32 KiB would store it per block
  const pattern = randomBytes(20 * 1024);
  const data = Buffer.alloc(4 * gzipBlockBytes);
  for (let i = 0; i < data.length; i += pattern.length) pattern.copy(data, i);
  const blocks = (await gzipFixed(data, 1)).length;
  const whole = gzipSync(data, { level: 1 }).length;
  assert.ok(blocks < whole * 1.05, `${blocks} bytes in blocks, ${whole} in one stream`);
});

test('property: any input, cut anywhere relative to the blocks, round-trips and does not depend on the lanes', async () => {
  const sizes = fc.oneof(
    fc.integer({ min: 0, max: 4096 }),
    fc.integer({ min: -3, max: 3 }).map((d) => gzipBlockBytes + d),
    fc.integer({ min: -3, max: 3 }).map((d) => 2 * gzipBlockBytes + d),
  );
  await fc.assert(
    fc.asyncProperty(
      sizes,
      fc.uint8Array({ minLength: 1, maxLength: 3000 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 9 }),
      async (size, pattern, lanes, level) => {
        // a random pattern tiled to the size: random bytes, with repeats for the dictionary to find
        const data = Buffer.alloc(size);
        for (let i = 0; i < size; i++) data[i] = pattern[i % pattern.length] as number;
        const serial = await gzipFixed(data, level, 1);
        assert.ok((await gzipFixed(data, level, lanes)).equals(serial));
        assert.ok(gunzipSync(serial).equals(data));
      },
    ),
    { numRuns: 25 },
  );
});

test('the tar gzipped while it is written is the tar of layerTar gzipped after, whatever order the nodes come in', async () => {
  // files across several blocks, a long name (PAX), a hardlink and a symlink, handed over out of tree order
  const nodes: TreeNode[] = [
    { path: '/usr', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 5, owners: ['p'] },
    ...Array.from({ length: 40 }, (_, i) => ({
      path: `/usr/share/f${i}`,
      type: 'file' as const,
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 9,
      content: layerLike(100_000 + i * 997),
      owners: ['p'],
    })),
    {
      path: `/usr/${'n'.repeat(120)}/x`,
      type: 'symlink',
      mode: 0o777,
      uid: 0,
      gid: 0,
      mtime: 1,
      linkTarget: 'f1',
      owners: ['p'],
    },
    {
      path: '/usr/share/link',
      type: 'hardlink',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 1,
      linkTarget: '/usr/share/f3',
      owners: ['p'],
    },
    { path: '/usr/share', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 5, owners: ['p'] },
  ];
  const tar = layerTar(nodes, 7);
  assert.ok(tar.length > 3 * gzipBlockBytes);
  const { tar: written, gzipped } = gzippedLayerTar(nodes, 7, 1);
  assert.ok(written.equals(tar));
  assert.ok((await gzipped).equals(await gzipFixed(tar, 1)));
});

test('property: the tree order compared in place is the order of the paths with every / as the lowest code unit', () => {
  const path = fc
    .array(fc.constantFrom('a', 'b', '/', '.', '-', 'é', '0', '\u{1F600}'), { maxLength: 12 })
    .map((parts) => `/${parts.join('')}`);
  fc.assert(
    fc.property(path, path, (a, b) => {
      const ka = a.replaceAll('/', '\u0000');
      const kb = b.replaceAll('/', '\u0000');
      assert.equal(Math.sign(compareTreeOrder(a, b)), ka < kb ? -1 : ka > kb ? 1 : 0);
    }),
    { numRuns: 500 },
  );
});
