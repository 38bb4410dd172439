import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type Digest, digestOf } from '../../core/index.ts';
import { buildEpoch, parseBuildConfig } from '../config.ts';
import { currentEnvironment, proveReproducible, spawnSecondRun } from '../reproduce.ts';
import { dpkgDebAvailable, handOverAll, staticBuildYaml, staticLikeDebs } from '../testing.ts';
import { assembleImage } from './assemble.ts';
import { LayerCache } from './layer-cache.ts';
import { gzipFixed } from './layer-tar.ts';

const skip = dpkgDebAvailable ? false : 'dpkg-deb is not installed (apt-get install dpkg)';

async function setUp() {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const packages = await staticLikeDebs(debs);
  const yaml = staticBuildYaml();
  const file = join(debs, 'static.yaml');
  writeFileSync(file, yaml);
  const config = parseBuildConfig(yaml, file);
  const cache = mkdtempSync(join(tmpdir(), 'sgci-layers-'));
  const inputs = [{ platform: 'linux/amd64' as const, packages }];
  const build = async (layerCache?: string) => {
    const layout = join(mkdtempSync(join(tmpdir(), 'sgci-layout-')), 'oci');
    return assembleImage(config, inputs, { layout, baseDir: debs, ...(layerCache ? { layerCache } : {}) });
  };
  const fromScratch = await build();
  const [layer] = fromScratch.report.platforms[0]?.layers ?? [];
  assert.ok(layer, 'the static set has one layer');
  const blobPath = (layout: string, digest: Digest) => join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const tar = gunzipSync(readFileSync(blobPath(fromScratch.layout, layer.digest)));
  assert.equal(digestOf(tar), layer.diffId);
  return { file, yaml, config, inputs, cache, build, fromScratch, layer, tar, blobPath };
}

/** The one ref the cache holds after a build of one layer. */
function onlyRef(cache: string): string {
  const [ref, ...more] = readdirSync(join(cache, 'refs', '1'));
  assert.ok(ref !== undefined && more.length === 0);
  return join(cache, 'refs', '1', ref);
}

test('a miss compresses and stores the layer, a hit gives the same blob and digest without compressing', {
  skip,
}, async () => {
  const { cache, build, fromScratch, layer, blobPath, config } = await setUp();
  const level = config.layers.gzipLevel;
  const layers = new LayerCache(cache);
  assert.equal(await layers.get(layer.diffId, layer.size * 100, level), undefined, 'an empty cache: a miss');
  const filling = await build(cache);
  assert.equal(filling.digest, fromScratch.digest, 'the build that fills the cache');
  const stored = await layers.get(layer.diffId, layer.size * 100, level);
  assert.ok(stored, 'the layer is stored under its diff_id');
  assert.equal(stored.digest, layer.digest);
  assert.ok(stored.bytes.equals(readFileSync(blobPath(fromScratch.layout, layer.digest))));
  assert.equal(await layers.get(layer.diffId, layer.size * 100, level + 1), undefined, 'another level: a miss');
  const hit = await build(cache);
  assert.equal(hit.digest, fromScratch.digest, 'the build from the cache');
  assert.deepEqual(hit.report, fromScratch.report);
});

test('a damaged entry is dropped, the layer compressed again and stored anew', { skip }, async () => {
  const { cache, build, fromScratch, layer, config, blobPath } = await setUp();
  await build(cache);
  const layers = new LayerCache(cache);
  const blob = join(cache, 'blobs', 'sha256', layer.digest.slice('sha256:'.length));
  const bytes = readFileSync(blob);
  bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0xff;
  writeFileSync(blob, bytes);
  assert.equal(await layers.get(layer.diffId, layer.size * 100, config.layers.gzipLevel), undefined);
  assert.deepEqual(readdirSync(join(cache, 'refs', '1')), [], 'the ref is gone');
  writeFileSync(blob, bytes);
  assert.equal((await build(cache)).digest, fromScratch.digest, 'a damaged blob is never used');
  assert.ok(readFileSync(blob).equals(readFileSync(blobPath(fromScratch.layout, layer.digest))), 'stored anew');
  // a ref whose recorded size is not the blob's, or whose key line is another's, is a miss too
  const ref = onlyRef(cache);
  const [key, entry] = readFileSync(ref, 'latin1').split('\n') as [string, string];
  writeFileSync(ref, `${key}\n${entry.split(' ')[0]} ${layer.size + 1}\n`);
  assert.equal(await layers.get(layer.diffId, layer.size * 100, config.layers.gzipLevel), undefined, 'wrong size');
  await build(cache);
  writeFileSync(ref, `${key.replace('level=1', 'level=9')}\n${entry}\n`);
  assert.equal(await layers.get(layer.diffId, layer.size * 100, config.layers.gzipLevel), undefined, 'another key');
});

test('an entry forged with a matching hash and size changes the first run, and the proof refuses the build', {
  skip,
  timeout: 120_000,
}, async () => {
  const { file, yaml, config, inputs, cache, build, fromScratch, layer, tar } = await setUp();
  await build(cache);
  // the tar with one file's bytes changed (no header checksum covers them), gzipped and put where the true one was
  const at = tar.indexOf('tcp\t6\tTCP');
  assert.ok(at > 0);
  tar.write('tcp\t6\tUDP', at, 'latin1');
  const forged = await gzipFixed(tar, config.layers.gzipLevel);
  const digest = `sha256:${createHash('sha256').update(forged).digest('hex')}` as Digest;
  writeFileSync(join(cache, 'blobs', 'sha256', digest.slice('sha256:'.length)), forged);
  const ref = onlyRef(cache);
  const [key] = readFileSync(ref, 'latin1').split('\n') as [string];
  writeFileSync(ref, `${key}\n${digest} ${forged.length}\n`);
  assert.equal((await new LayerCache(cache).get(layer.diffId, tar.length, config.layers.gzipLevel))?.digest, digest);
  const first = await build(cache);
  assert.notEqual(first.digest, fromScratch.digest, 'whoever can write the cache changes the first run');
  // the second run, as sgci build starts it: it compresses every layer itself
  const environment = currentEnvironment();
  const second = await spawnSecondRun(environment);
  handOverAll(second, file, yaml, { inputs, epoch: buildEpoch(config), extraSources: [] });
  await assert.rejects(
    proveReproducible(file, { image: first, environment }, second),
    (error: Error) => error.message.includes('not reproducible') && error.message.includes(fromScratch.digest),
  );
});
