import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Image, Layer } from '../../src/oci/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { runScan } from '../../src/scan/index.ts';
import { type SyntheticEntry, tarOf, writeLayout } from '../helpers/synthetic-image.ts';

const now = new Date('2026-06-01T00:00:00Z');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha1b64 = (s: string) => createHash('sha1').update(s).digest('base64');

/**
 * A Debian base whose files the pass hashes with md5 only (debian_version comes first in the tar), and apk in
 * layer 2 whose database lists the base's busybox: sha1 of it must be taken after the pass, from layer 0 alone.
 */
async function dpkgThenApk(dir: string, busybox: string): Promise<void> {
  const layers: SyntheticEntry[][] = [
    [
      { path: 'etc/debian_version', content: '12.5\n' },
      { path: 'bin/busybox', content: busybox },
      { path: 'usr/bin/tool', content: 'tool' },
      { path: 'var/lib/dpkg/info/tool.md5sums', content: `${md5('tool')}  usr/bin/tool\n` },
    ],
    [{ path: 'usr/bin/other', content: 'other' }],
    [{ path: 'lib/apk/db/installed', content: `P:busybox\nV:1.36\nF:bin\nR:busybox\nZ:Q1${sha1b64('bb')}\n\n` }],
  ];
  const tars: Buffer[] = [];
  for (const entries of layers) tars.push(await tarOf(entries));
  await writeLayout(dir, tars);
}

/**
 * Counts each opening of the image's layers, by the pass and by any reading after it: the image reads its own
 * `layers`, so they are wrapped where they are.
 */
function countOpenings(image: Image, opened: number[]): void {
  const layers = image.layers as Layer[];
  for (const [i, layer] of layers.entries()) {
    layers[i] = {
      ...layer,
      open: () => {
        opened.push(layer.index);
        return layer.open();
      },
    };
  }
}

async function comp003Of(busybox: string): Promise<{ result: string | undefined; summary: string; opened: number[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-digests-'));
  try {
    await dpkgThenApk(dir, busybox);
    await using opened = await openImage(`oci-dir:${dir}`);
    const layers: number[] = [];
    countOpenings(opened, layers);
    const outcome = await runScan({
      subject: { image: opened },
      needs: { vulns: false, checks: true },
      policy: defaultPolicy,
      now,
    });
    const comp003 = outcome.checks?.report.results.find((r) => r.id === 'SGCI-COMP-003');
    const summary = comp003?.evidence?.[0];
    return {
      result: comp003?.result,
      summary: summary?.kind === 'note' ? (summary.message ?? '') : '',
      opened: layers,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('sgci scan takes a digest the pass left out by reading that one layer again', async () => {
  const clean = await comp003Of('bb');
  assert.equal(clean.result, 'pass');
  assert.match(clean.summary, /^2 files verified against 2 recorded checksums; 0 mismatches; 0 recorded files absent$/);
  // the pass opens each of the three layers once; after it, only busybox's layer is opened again
  assert.deepEqual(clean.opened.slice(0, 3), [0, 1, 2]);
  assert.deepEqual(clean.opened.slice(3), [0]);
  const modified = await comp003Of('patched');
  assert.equal(modified.result, 'fail');
  assert.match(
    modified.summary,
    /^1 files verified against 2 recorded checksums; 1 mismatches; 0 recorded files absent$/,
  );
});
