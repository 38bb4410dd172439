import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultLimits } from '../../core/index.ts';
import { parseBuildConfig } from '../config.ts';
import { assembleImage, type DebPackage } from '../image/assemble.ts';
import { dpkgDebAvailable, staticBuildYaml, staticLikeDebs } from '../testing.ts';
import { ExpandedDebCache } from './expanded-cache.ts';
import { expandDeb } from './read-deb.ts';

const skip = dpkgDebAvailable ? false : 'dpkg-deb is not installed (apt-get install dpkg)';

async function setUp() {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const packages = await staticLikeDebs(debs);
  const config = parseBuildConfig(staticBuildYaml(), 'static.yaml');
  const cache = mkdtempSync(join(tmpdir(), 'sgci-expanded-'));
  const build = async (expandedCache?: string, with_: readonly DebPackage[] = packages) => {
    const layout = join(mkdtempSync(join(tmpdir(), 'sgci-layout-')), 'oci');
    const options = { layout, baseDir: debs, ...(expandedCache ? { expandedCache } : {}) };
    return (await assembleImage(config, [{ platform: 'linux/amd64', packages: with_ }], options)).digest;
  };
  return { packages, cache, build };
}

/** The cache's one blob file per package, by the .deb's sha256 its ref is named after. */
function entryPath(cache: string, sha256: string): string {
  const digest = readFileSync(join(cache, 'refs', '1', sha256), 'latin1').trim();
  return join(cache, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

test('a build from the expanded cache gives the digest of one from the .debs, without opening them again', {
  skip,
}, async () => {
  const { packages, cache, build } = await setUp();
  const fromDebs = await build();
  assert.equal(await build(cache), fromDebs, 'the build that fills the cache');
  assert.equal(readdirSync(join(cache, 'refs', '1')).length, packages.length);
  // the .debs gone: only a hit can still build, and it builds the same image
  for (const p of packages) renameSync(p.debPath, `${p.debPath}.away`);
  assert.equal(await build(cache), fromDebs, 'the build from the cache');
  await assert.rejects(build(), /cannot read/, 'without the cache the .debs are needed');
});

test('a tampered cache entry is detected, dropped and made again from the .deb', { skip }, async () => {
  const { packages, cache, build } = await setUp();
  const fromDebs = await build(cache);
  const tzdata = packages.find((p) => p.name === 'tzdata') as DebPackage;
  const path = entryPath(cache, tzdata.sha256);
  const bytes = readFileSync(path);
  bytes[bytes.length - 2000] = (bytes[bytes.length - 2000] as number) ^ 0xff;
  writeFileSync(path, bytes);
  const cached = new ExpandedDebCache(cache);
  assert.equal(await cached.get(tzdata.sha256, defaultLimits), undefined, 'its sha256 no longer matches: a miss');
  writeFileSync(path, bytes);
  assert.equal(await build(cache), fromDebs, 'the build reads the .deb instead');
  const again = await cached.get(tzdata.sha256, defaultLimits);
  assert.ok(again, 'and stores it again');
  const fresh = await expandDeb(tzdata.debPath, 'tzdata', defaultLimits, tzdata.sha256);
  assert.ok(again.data.equals(fresh.data) && again.control.equals(fresh.control));
});

test("an entry swapped for another package's is refused by the .deb it names", { skip }, async () => {
  const { packages, cache, build } = await setUp();
  const fromDebs = await build(cache);
  const [a, b] = packages as [DebPackage, DebPackage];
  // a's ref now names b's entry, a valid blob under its own sha256
  writeFileSync(join(cache, 'refs', '1', a.sha256), readFileSync(join(cache, 'refs', '1', b.sha256)));
  assert.equal(await new ExpandedDebCache(cache).get(a.sha256, defaultLimits), undefined);
  assert.equal(await build(cache), fromDebs);
});

test('an entry rewritten with its md5sums and hash made to match is a hit: the proof run, which reads the .debs, catches it', {
  skip,
}, async () => {
  const { packages, cache, build } = await setUp();
  const fromDebs = await build(cache);
  const netbase = packages.find((p) => p.name === 'netbase') as DebPackage;
  const path = entryPath(cache, netbase.sha256);
  const bytes = readFileSync(path);
  // /etc/protocols says TCP is UDP: file bytes, which no tar header checksum covers
  const at = bytes.indexOf('tcp\t6\tTCP');
  assert.ok(at > 0);
  bytes.write('tcp\t6\tUDP', at, 'latin1');
  // install compares each file with the package's md5sums, so those must be rewritten too to get past it
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const sums = bytes.indexOf(md5('ip\t0\tIP\ntcp\t6\tTCP\n'));
  assert.ok(sums > 0);
  bytes.write(md5('ip\t0\tIP\ntcp\t6\tUDP\n'), sums, 'latin1');
  const digest = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(cache, 'blobs', 'sha256', digest), bytes);
  writeFileSync(join(cache, 'refs', '1', netbase.sha256), `sha256:${digest}\n`);
  assert.notEqual(await build(cache), fromDebs, 'whoever can write the cache changes the first run');
  assert.equal(await build(), fromDebs, 'the second run reads the .debs and names the true digest');
});

test('a cache that cannot be written costs the build the decompression, not its success', { skip }, async () => {
  const { cache, build } = await setUp();
  const fromDebs = await build();
  // below a regular file no directory can be made
  const blocked = join(cache, 'a-file');
  writeFileSync(blocked, '');
  assert.equal(await build(join(blocked, 'expanded')), fromDebs);
});
