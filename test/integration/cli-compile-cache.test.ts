/**
 * bin/sgci.js keeps V8's compile cache working for every user: Node's default directory (node-compile-cache in the
 * OS temp dir) belongs to whoever created it first, and for anyone else every run compiled all sources again
 * (~0.5 s instead of ~0.2 s for `sgci sbom` of a small image). Where the default cannot be used, sgci keeps the
 * cache beside its blob cache. A file in the default's place stands in for another user's directory (this test
 * may run as root, whom permissions do not stop).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runSgci } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'sgci-compile-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs `sgci --version` with its own temp and cache dirs; the compile cache's entries where each ended up. */
async function versionRun(name: string, blockDefault: boolean): Promise<{ fallback: string; defaultDir: string }> {
  const temp = join(work, name, 'tmp');
  const cache = join(work, name, 'cache');
  mkdirSync(temp, { recursive: true });
  const defaultDir = join(temp, 'node-compile-cache');
  if (blockDefault) writeFileSync(defaultDir, 'not a directory');
  const result = await runSgci(['--version'], {
    env: { TMPDIR: temp, SGCI_CACHE_DIR: cache },
    unset: ['NODE_COMPILE_CACHE'],
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\d+\.\d+\.\d+/);
  return { fallback: join(cache, 'node-compile-cache'), defaultDir };
}

test('the compile cache stays in Node’s default directory where that works', async () => {
  const { fallback, defaultDir } = await versionRun('default', false);
  assert.ok(readdirSync(defaultDir).length > 0, 'the default directory holds the cache');
  assert.ok(!existsSync(fallback), 'nothing beside the blob cache');
});

test('the compile cache moves beside the blob cache where the default directory cannot be used', async () => {
  const { fallback } = await versionRun('blocked', true);
  const versions = readdirSync(fallback);
  assert.equal(versions.length, 1, 'one cache for this Node and its flags');
  assert.ok(readdirSync(join(fallback, versions[0] as string)).length > 0, 'the fallback holds the compiled modules');
});
