/**
 * Memory does not grow with the image (issue 17): `sgci scan` of a synthetic image five times larger (285 MB of
 * layers instead of 57, 37,500 files instead of 7,500, two 62 MB files instead of 12 MB) peaks at nearly the same
 * RSS, and below the 200 MiB target, each in its own child process as users run it. A layer, a big file or a
 * report held whole, or a record per file that is not compact, shows here. Not a timed test: only peak RSS is
 * compared. The images are generated once and cached (test/helpers/large-image.ts).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { largeImage } from '../helpers/large-image.ts';
import { runTree } from '../helpers/process-rss.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const targetMiB = 200;
/** Noise between runs of the same scan is up to ~25 MiB (when the collector runs); growth above it is not. */
const allowedGrowthMiB = 48;

async function peakOfScan(scale: number, home: string): Promise<{ rssMiB: number; processes: number }> {
  const image = await largeImage(scale);
  const run = await runTree(
    process.execPath,
    [join(repo, 'bin', 'sgci.js'), 'scan', `oci-dir:${image.dir}`, '--out', join(home, String(scale))],
    { env: { ...process.env, SGCI_HOME: home, NO_COLOR: '1' } },
  );
  // exit 1: the gate failed, a normal outcome for this image; 2 would be an error
  assert.ok(run.status === 0 || run.status === 1, `scan at scale ${scale} failed: ${run.stderr}`);
  return {
    rssMiB: run.processes.reduce((largest, p) => Math.max(largest, p.rssMiB), 0),
    processes: run.processes.length,
  };
}

test('sgci scan of an image five times larger peaks at about the same RSS, below 200 MiB', async () => {
  const home = await mkdtemp(join(tmpdir(), 'sgci-memory-flat-'));
  try {
    const small = await peakOfScan(0.025, home);
    const large = await peakOfScan(0.125, home);
    assert.equal(large.processes, 1, 'the scan starts no other process');
    assert.ok(large.rssMiB <= targetMiB, `peak RSS ${large.rssMiB.toFixed(0)} MiB over ${targetMiB} MiB`);
    assert.ok(
      large.rssMiB - small.rssMiB < allowedGrowthMiB,
      `peak RSS grew from ${small.rssMiB.toFixed(0)} to ${large.rssMiB.toFixed(0)} MiB with 5x the layer bytes`,
    );
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
