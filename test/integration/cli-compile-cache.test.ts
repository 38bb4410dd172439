/**
 * bin/sgci.js keeps V8's compile cache beside its blob cache, under the user's home, and never in Node's default
 * directory (node-compile-cache in the shared OS temp dir): that one belongs to whoever created it first, fails for
 * anyone else (every run compiled all sources again: ~0.5 s instead of ~0.2 s for `sgci sbom` of a small image), and
 * code cached there by another user would run as this one. Where the user's directory cannot be written, sgci runs
 * without the cache, quietly. A file in a directory's place stands in for one that cannot be used (this test may
 * run as root, whom permissions do not stop).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runSgci } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'sgci-compile-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs `sgci --version` with its own temp and cache dirs; where the compile cache could end up. */
async function versionRun(name: string, blockCache: boolean): Promise<{ cache: string; defaultDir: string }> {
  const temp = join(work, name, 'tmp');
  const cacheDir = join(work, name, 'cache');
  mkdirSync(temp, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  const cache = join(cacheDir, 'node-compile-cache');
  if (blockCache) writeFileSync(cache, 'not a directory');
  const result = await runSgci(['--version'], {
    env: { TMPDIR: temp, SGCI_CACHE_DIR: cacheDir },
    unset: ['NODE_COMPILE_CACHE'],
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, /^\d+\.\d+\.\d+/);
  return { cache, defaultDir: join(temp, 'node-compile-cache') };
}

test('the compile cache lives beside the blob cache, not in the shared temp dir', async () => {
  const { cache, defaultDir } = await versionRun('own', false);
  const versions = readdirSync(cache);
  assert.equal(versions.length, 1, 'one cache for this Node and its flags');
  assert.ok(readdirSync(join(cache, versions[0] as string)).length > 0, 'it holds the compiled modules');
  assert.ok(!existsSync(defaultDir), 'nothing in the temp dir');
});

test('without a usable cache directory sgci runs without the cache, and never falls back to the temp dir', async () => {
  const { defaultDir } = await versionRun('blocked', true);
  assert.ok(!existsSync(defaultDir), 'nothing in the temp dir');
});

test('sgci build keeps its compile cache apart: its V8 flags would have every other command rewrite it', async () => {
  const cacheDir = join(work, 'build', 'cache');
  mkdirSync(cacheDir, { recursive: true });
  const result = await runSgci(['build', '--help'], {
    env: { SGCI_CACHE_DIR: cacheDir },
    unset: ['NODE_COMPILE_CACHE'],
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(readdirSync(cacheDir), ['node-compile-cache-build']);
  await runSgci(['--version'], { env: { SGCI_CACHE_DIR: cacheDir }, unset: ['NODE_COMPILE_CACHE'] });
  assert.deepEqual(readdirSync(cacheDir).sort(), ['node-compile-cache', 'node-compile-cache-build']);
});
