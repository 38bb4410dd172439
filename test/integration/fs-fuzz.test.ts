/**
 * Random corruption of real layer bytes: whatever the damage, the pass either succeeds or fails
 * with an SgciError; never another exception, a hang, or a path outside the root.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSgciError, withLimits } from '../../src/core/index.ts';
import { readFilesystem } from '../../src/oci/fs/index.ts';
import { compress, layerFromBlob, paxHeader, rawHeader, tarOf } from '../helpers/synthetic-image.ts';

const limits = withLimits({ maxLayerBytes: 4 * 1024 * 1024, maxEntries: 10_000 });

const sample = await tarOf([
  { path: 'etc/', type: 'dir' },
  { path: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
  { path: `usr/share/${'long/'.repeat(30)}file`, content: 'x'.repeat(700) },
  { path: 'bin', type: 'symlink', linkTarget: 'usr/bin' },
  { path: 'usr/bin/perl5', type: 'hardlink', linkTarget: 'etc/passwd' },
  { path: 'etc/.wh.shadow' },
  { raw: paxHeader({ 'SCHILY.xattr.security.capability': Uint8Array.from([1, 0, 0, 2, 0x80]) }) },
  { raw: rawHeader({ path: 'usr/bin/ping', typeflag: '0' }) },
]);

for (const compression of ['none', 'gzip', 'zstd'] as const) {
  test(`randomly corrupted ${compression} layers end in success or an SgciError`, async () => {
    const blob = compress(sample, compression);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat({ max: blob.length - 1 }), value: fc.nat({ max: 255 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat({ max: blob.length }),
        fc.integer({ min: 1, max: 700 }),
        async (edits, cut, chunkSize) => {
          const damaged = Buffer.from(blob.subarray(0, Math.max(cut, 1)));
          for (const { at, value } of edits) if (at < damaged.length) damaged[at] = value;
          const layer = layerFromBlob(0, damaged, undefined, { compression, chunkSize });
          try {
            const fs = await readFilesystem([layer], { globs: ['/**'] }, { limits });
            for (const entry of fs.squashed.entries()) assert.ok(entry.path.startsWith('/'));
          } catch (error) {
            assert.ok(isSgciError(error), `not an SgciError: ${String(error)}`);
            assert.ok(!error.message.includes('\n'));
          }
        },
      ),
      { numRuns: 150, seed: 20261125 },
    );
  });
}
