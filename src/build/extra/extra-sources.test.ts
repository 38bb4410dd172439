import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serveDirectory } from '../../../test/helpers/debian-repo.ts';
import { isSgciError } from '../../core/index.ts';
import { parseBuildConfig } from '../config.ts';
import { RepositoryFiles } from '../debian/index.ts';
import { assembleImage } from '../image/assemble.ts';
import { dpkgDebAvailable, staticBuildYaml, staticLikeDebs } from '../testing.ts';
import { resolveExtraSources } from './extra-sources.ts';

const skip = dpkgDebAvailable ? false : 'dpkg-deb is not installed (apt-get install dpkg)';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The file at `path` in a platform's image: its layers (gzip tars) in the layout, last layer first. */
function platformFile(layout: string, layers: readonly { digest: string }[], path: string): string | undefined {
  for (const layer of [...layers].reverse()) {
    const blob = join(layout, 'blobs', 'sha256', layer.digest.slice('sha256:'.length));
    try {
      return execFileSync('tar', ['-xzOf', blob, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {}
  }
  return undefined;
}

test('per-platform extra files: a binary per platform out of a .tgz by url, a packed directory, each verified', {
  skip,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-extra-'));
  const served = join(dir, 'served');
  for (const arch of ['x64', 'arm64']) {
    mkdirSync(join(dir, arch, 'package', 'bin'), { recursive: true });
    writeFileSync(join(dir, arch, 'package', 'bin', 'tool'), `tool for ${arch}\n`);
    mkdirSync(served, { recursive: true });
    execFileSync('tar', ['-czf', join(served, `tool-${arch}.tgz`), '-C', join(dir, arch), 'package']);
  }
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'main.py'), 'print("hi")\n');
  execFileSync('git', ['init', '-q', app]);
  execFileSync('git', ['-C', app, 'add', '.']);
  await using server = await serveDirectory(served);
  const tgz = (arch: string) => {
    const bytes = readFileSync(join(served, `tool-${arch}.tgz`));
    return `url: '${server.url}/tool-${arch}.tgz', size: ${bytes.length}, sha256: ${sha256(bytes)}, member: package/bin/tool`;
  };
  const yaml = staticBuildYaml(
    'layers:\n  strategy: packages-and-files\nfiles:\n' +
      `  - { path: /usr/local/bin/tool, platforms: [linux/amd64], ${tgz('x64')}, mode: '0755' }\n` +
      `  - { path: /usr/local/bin/tool, platforms: [linux/arm64], ${tgz('arm64')}, mode: '0755' }\n` +
      '  - { path: /app, directory: app }\n',
  ).replace('platforms: [linux/amd64]', 'platforms: [linux/amd64, linux/arm64]');
  const buildFile = join(dir, 'tool.yaml');
  const config = parseBuildConfig(yaml, buildFile);
  const files = new RepositoryFiles({ cacheDir: join(dir, 'cache') });
  const work = mkdtempSync(join(tmpdir(), 'sgci-extra-work-'));
  const sources = await resolveExtraSources(config, buildFile, files, work);
  assert.deepEqual(
    sources.map((s) => s.uri),
    [`${server.url}/tool-x64.tgz`, `${server.url}/tool-arm64.tgz`, 'file:app'],
  );
  // fetched once into the verified cache: an offline resolution finds them there
  const offline = await resolveExtraSources(
    config,
    buildFile,
    new RepositoryFiles({ cacheDir: join(dir, 'cache'), offline: true }),
    work,
  );
  assert.deepEqual(
    offline.map((s) => s.sha256),
    sources.map((s) => s.sha256),
  );

  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const packages = await staticLikeDebs(debs);
  const inputs = [
    { platform: 'linux/amd64' as const, packages },
    { platform: 'linux/arm64' as const, packages: packages.filter((p) => p.arch === 'all') },
  ];
  const layout = join(mkdtempSync(join(tmpdir(), 'sgci-layout-')), 'oci');
  const built = await assembleImage(config, inputs, { layout, baseDir: dir, extraSources: sources });
  const [amd64, arm64] = built.report.platforms;
  assert.ok(amd64 && arm64);
  assert.equal(platformFile(layout, amd64.layers, 'usr/local/bin/tool'), 'tool for x64\n');
  assert.equal(platformFile(layout, arm64.layers, 'usr/local/bin/tool'), 'tool for arm64\n');
  assert.equal(platformFile(layout, arm64.layers, 'app/main.py'), 'print("hi")\n');
  assert.ok(statSync(join(work, 'files-2.tar')).size > 0);

  // a download that is not the pinned one is refused before it is kept or opened
  writeFileSync(join(served, 'tool-x64.tgz'), 'not the tool');
  await assert.rejects(
    resolveExtraSources(config, buildFile, new RepositoryFiles({ cacheDir: join(dir, 'other-cache') }), work),
    (e) => isSgciError(e, 'DIGEST_MISMATCH') && /tool-x64\.tgz: .*files\.0/.test(e.message),
  );
});
