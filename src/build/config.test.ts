import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { isSgciError } from '../core/index.ts';
import { buildConfigJsonSchema, buildEpoch, extraFilePlatforms, parseBuildConfig, withEpoch } from './config.ts';
import type { Lock } from './debian/index.ts';
import { lockEpoch, lockPathOf } from './run-build.ts';
import { staticBuildYaml } from './testing.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const version = '1.0.0';
const schemaPath = join(repo, 'schema', `build-config-${version}.json`);

test('schema/build-config-<version>.json is the generated schema (UPDATE_GOLDEN=1 rewrites it)', async () => {
  const generated = `${JSON.stringify(buildConfigJsonSchema(version), null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(schemaPath, generated);
  assert.equal(readFileSync(schemaPath, 'utf8'), generated);
});

function validator() {
  return new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
}

test('a build file passes the published schema and the loader alike, with the defaults filled in', () => {
  const text = staticBuildYaml();
  const validate = validator();
  assert.equal(validate(parse(text)), true, JSON.stringify(validate.errors));
  const config = parseBuildConfig(text, 'static.yaml');
  assert.equal(config.accounts.runAs, 65532);
  assert.deepEqual(config.accounts.users, [{ name: 'nonroot', uid: 65532, gid: 65532, shell: '/sbin/nologin' }]);
  assert.equal(config.reproducibility.epoch, 1735689600);
  assert.equal(config.debian.sources[0]?.keys[0]?.fingerprint, '4D64FEC119C2029067D6E791F8D2585B8783D481');
  assert.deepEqual(config.packages.paths.tzdata?.include, [
    '/usr/share/zoneinfo/Europe/**',
    '/usr/share/zoneinfo/posix/**',
  ]);
  assert.equal(config.policy.noShell, true);
  assert.equal(config.layers.strategy, 'single');
  assert.equal(config.layers.gzipLevel, 1);
});

test('an RFC 3339 epoch is read as seconds; modes are octal strings', () => {
  const config = parseBuildConfig(
    staticBuildYaml().replace('epoch: 1735689600', "epoch: '2025-01-01T00:00:00Z'") +
      "paths:\n  - path: /data\n    mode: '0750'\n    uid: 65532\n",
    'b.yaml',
  );
  assert.equal(config.reproducibility.epoch, 1735689600);
  assert.deepEqual(config.paths, [{ path: '/data', type: 'directory', mode: 0o750, uid: 65532, gid: 0 }]);
});

for (const [what, extra, field] of [
  ['a misspelt key', 'imgae: {}\n', /\(top level\): Unrecognized key: "imgae"/],
  ['an unquoted mode', 'paths:\n  - path: /data\n    mode: 0755\n', /^b\.yaml: paths\.0\.mode: /],
  ['a platform sgci does not build', '', /^b\.yaml: image\.platforms\.1: /],
  ['a path with ..', 'paths:\n  - path: /data/../etc\n', /^b\.yaml: paths\.0\.path: must not contain \.\./],
  ['a short fingerprint', '', /^b\.yaml: debian\.sources\.0\.keys\.0\.fingerprint: /],
  ['a gzip level of 0 (stored, not compressed)', 'layers: { gzipLevel: 0 }\n', /^b\.yaml: layers\.gzipLevel: /],
  ['a gzip level beyond 9', 'layers: { gzipLevel: 10 }\n', /^b\.yaml: layers\.gzipLevel: /],
  ['a fractional gzip level', 'layers: { gzipLevel: 1.5 }\n', /^b\.yaml: layers\.gzipLevel: /],
  [
    'a user in no group',
    'accounts:\n  users: [{name: app, uid: 1000, gid: 1000}]\n',
    /^b\.yaml: accounts\.users\.0\.gid: no group 1000/,
  ],
  [
    'an extra file with a source and a url',
    `files:\n  - { path: /a, source: a, url: 'https://x.example/a', size: 1, sha256: ${'a'.repeat(64)} }\n`,
    /^b\.yaml: files\.0: give exactly one of source, url and directory/,
  ],
  [
    'a url without its size',
    `files:\n  - { path: /a, url: 'https://x.example/a', sha256: ${'a'.repeat(64)} }\n`,
    /^b\.yaml: files\.0: url: needs its size/,
  ],
  [
    'a directory with a sha256',
    `files:\n  - { path: /app, directory: app, sha256: ${'a'.repeat(64)} }\n`,
    /^b\.yaml: files\.0: directory: has no sha256/,
  ],
  [
    'directory options on a source',
    `files:\n  - { path: /a, source: a, sha256: ${'a'.repeat(64)}, include: ['**'] }\n`,
    /^b\.yaml: files\.0: include, exclude, nodeModules and noExecute are for a directory/,
  ],
  [
    'an extra file for a platform the image does not have',
    `files:\n  - { path: /a, source: a, sha256: ${'a'.repeat(64)}, platforms: [linux/arm64] }\n`,
    /^b\.yaml: files\.0\.platforms: linux\/arm64 is not in image\.platforms/,
  ],
  [
    'two extra files on one path of one platform',
    `files:\n  - { path: /a, source: a, sha256: ${'a'.repeat(64)} }\n  - { path: /a, source: b, sha256: ${'b'.repeat(64)}, platforms: [linux/amd64] }\n`,
    /^b\.yaml: files\.1: files\.0 already puts \/a on linux\/amd64/,
  ],
] as const) {
  test(`${what} is refused by the loader, which names the field`, () => {
    let text = staticBuildYaml(extra);
    if (what === 'a platform sgci does not build') text = text.replace('[linux/amd64]', '[linux/amd64, linux/s390x]');
    if (what === 'a short fingerprint')
      text = text.replace('4D64 FEC1 19C2 0290 67D6  E791 F8D2 585B 8783 D481', 'ABCD');
    assert.throws(
      () => parseBuildConfig(text, 'b.yaml'),
      (e) => isSgciError(e, 'CONFIG_INVALID') && field.test(e.message),
    );
  });
}

test('extra files per platform: one path, another file on each platform; the epoch may be left to the lock', () => {
  const text = staticBuildYaml(
    `files:\n  - { path: /bin/app, source: app-amd64, sha256: ${'a'.repeat(64)}, platforms: [linux/amd64] }\n` +
      `  - { path: /bin/app, url: 'https://x.example/app.tgz', size: 9, sha256: ${'b'.repeat(64)}, member: app, platforms: [linux/arm64] }\n` +
      "  - { path: /app, directory: app, include: ['src/**'], noExecute: [bin/run] }\n",
  )
    .replace('[linux/amd64]', '[linux/amd64, linux/arm64]')
    .replace('reproducibility:\n  epoch: 1735689600\n', '');
  const validate = validator();
  assert.equal(validate(parse(text)), true, JSON.stringify(validate.errors));
  const config = parseBuildConfig(text, 'b.yaml');
  assert.deepEqual(
    config.files.map((f) => extraFilePlatforms(config, f)),
    [['linux/amd64'], ['linux/arm64'], ['linux/amd64', 'linux/arm64']],
  );
  assert.equal(config.files[2]?.tracked, true);
  assert.equal(config.reproducibility.epoch, undefined);
  assert.throws(
    () => buildEpoch(config),
    (e) => isSgciError(e, 'USAGE') && /no reproducibility\.epoch/.test(e.message),
  );
  assert.equal(buildEpoch(withEpoch(config, 1764547200)), 1764547200);
  assert.equal(buildEpoch(withEpoch(parseBuildConfig(staticBuildYaml(), 'c.yaml'), 1764547200)), 1735689600);
});

test('the lock of a build file lies beside it under its name; its epoch is the newest InRelease Date', () => {
  assert.equal(lockPathOf('examples/build/static.yaml'), 'examples/build/static.lock.json');
  assert.equal(lockPathOf('/srv/app.yml'), '/srv/app.lock.json');
  const suite = (date: string) => ({ date }) as Lock['suites'][number];
  const lock = { suites: [suite('2026-12-06T08:13:46.000Z'), suite('2026-11-08T10:16:37.000Z')] } as Lock;
  assert.equal(lockEpoch(lock), Date.parse('2026-12-06T08:13:46Z') / 1000);
});

test('the published schema refuses a misspelt key too, so an editor flags it before a build', () => {
  const validate = validator();
  assert.equal(validate(parse(staticBuildYaml('imgae: {}\n'))), false);
  assert.equal(validate(parse(staticBuildYaml().replace('tags:', 'tag:'))), false);
});

test('the build file shown in docs/build.md passes the published schema and the loader', () => {
  const doc = readFileSync(join(repo, 'docs', 'build.md'), 'utf8');
  const example = /```yaml\n(apiVersion: sgci\.build\/v1\n[\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, 'docs/build.md shows a build file');
  const validate = validator();
  assert.equal(validate(parse(example)), true, JSON.stringify(validate.errors));
  const config = parseBuildConfig(example, 'docs/build.md');
  assert.deepEqual(config.image.platforms, ['linux/amd64', 'linux/arm64']);
  assert.equal(config.files[0]?.mode, 0o755);
  assert.equal(config.layers.compression, 'gzip');
});
