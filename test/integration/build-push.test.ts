import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assembleImage, parseBuildConfig, pushLayout } from '../../src/build/index.ts';
import { dpkgDebAvailable, makeDeb, staticBuildYaml, staticLikeDebs } from '../../src/build/testing.ts';
import { defaultLimits } from '../../src/core/index.ts';
import { RegistryClient } from '../../src/oci/registry/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { skopeoInspectRaw, startRegistry, type TestRegistry } from '../helpers/registry.ts';

const skip = dpkgDebAvailable ? false : 'dpkg-deb is not installed (apt-get install dpkg)';
let registry: TestRegistry;
let client: RegistryClient;

before(async () => {
  if (skip) return;
  registry = await startRegistry({ auth: 'none' });
  client = new RegistryClient({ limits: defaultLimits });
});
after(async () => {
  await client?.close();
  await registry?.stop();
});

test('a two-platform build is pushed with the registry client and reads back with the same digests', {
  skip,
  timeout: 120_000,
}, async () => {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const amd64 = await staticLikeDebs(debs);
  const arm64 = [
    ...amd64.filter((p) => p.arch === 'all'),
    makeDeb(debs, {
      name: 'libsgci0',
      version: '1.2-3',
      arch: 'arm64',
      files: [{ path: 'lib/aarch64-linux-gnu/libsgci.so.0', content: 'ELF arm64' }],
    }),
  ];
  const yaml = staticBuildYaml().replace('platforms: [linux/amd64]', 'platforms: [linux/amd64, linux/arm64]');
  const config = parseBuildConfig(yaml, 'static.yaml');
  const layout = join(mkdtempSync(join(tmpdir(), 'sgci-layout-')), 'oci');
  const built = await assembleImage(
    config,
    [
      { platform: 'linux/amd64', packages: amd64 },
      { platform: 'linux/arm64', packages: arm64 },
    ],
    { layout, baseDir: debs },
  );
  assert.equal(built.report.platforms.length, 2);
  const target = { registry: registry.host, repository: 'sgci/static' };
  const pushed = await pushLayout(layout, client, target, config.image.tags);
  assert.equal(pushed, built.digest);
  const raw = await skopeoInspectRaw(registry, 'sgci/static:12');
  assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, built.digest);
  const index = JSON.parse(raw.toString('utf8'));
  assert.deepEqual(
    index.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture),
    ['amd64', 'arm64'],
  );
  for (const platform of ['linux/amd64', 'linux/arm64']) {
    await using image = await openImage(`${registry.host}/sgci/static:latest`, { platform });
    const report = built.report.platforms.find((p) => p.platform === platform);
    assert.equal(image.digest, report?.manifest);
    assert.equal(image.config.architecture, platform.split('/')[1]);
    assert.equal(image.config.config?.User, '65532');
  }
});
