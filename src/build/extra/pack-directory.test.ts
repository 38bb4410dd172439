import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { parseBuildConfig } from '../config.ts';
import { staticBuildYaml } from '../testing.ts';
import { packDirectory } from './pack-directory.ts';

const packageLock = JSON.stringify({
  lockfileVersion: 3,
  packages: {
    '': { name: 'app' },
    'node_modules/prod': { version: '1.0.0' },
    'node_modules/prod/node_modules/nested': { version: '2.0.0' },
    'node_modules/dev': { version: '1.0.0', dev: true },
    'node_modules/other-platform': { version: '1.0.0', optional: true },
  },
});

function put(root: string, path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  chmodSync(join(root, path), mode);
}

/** A checkout after `npm ci`: tracked sources and tests, an untracked file, production, dev and nested packages. */
function checkout(umask: number, mtime: number): string {
  const previous = process.umask(umask);
  try {
    const root = mkdtempSync(join(tmpdir(), 'sgci-pack-'));
    put(root, 'bin/run.js', '#!/usr/bin/env node\n', 0o775);
    put(root, 'bin/tool.sh', 'exit 0\n', 0o755);
    put(root, 'src/a.ts', 'export const a = 1;\n');
    put(root, 'src/a.test.ts', 'test\n');
    put(root, 'docs/readme.md', 'docs\n');
    put(root, 'package-lock.json', packageLock);
    execFileSync('git', ['init', '-q', root]);
    execFileSync('git', ['-C', root, 'add', '.']);
    put(root, 'untracked.txt', 'not in git\n');
    put(root, 'node_modules/prod/index.js', 'module.exports = 1;\n');
    put(root, 'node_modules/prod/cli.js', '#!/usr/bin/env node\n', 0o755);
    put(root, 'node_modules/prod/node_modules/nested/x.js', 'x\n');
    // a package's own tests and fixtures come with it: `exclude` is for the directory's own files
    put(root, 'node_modules/prod/index.test.ts', 't\n');
    put(root, 'node_modules/prod/test/node_modules/fixture.js', 'f\n');
    put(root, 'node_modules/dev/y.js', 'dev\n');
    put(root, 'node_modules/.bin/cli', 'link\n');
    execFileSync('find', [root, '-exec', 'touch', '-h', '-d', `@${mtime}`, '{}', '+']);
    utimesSync(root, mtime, mtime);
    return root;
  } finally {
    process.umask(previous);
  }
}

function entry(
  include = '[bin/**, src/**, package-lock.json]',
  more = '',
): ReturnType<typeof parseBuildConfig>['files'][number] {
  const config = parseBuildConfig(
    staticBuildYaml(
      `files:\n  - path: /app\n    directory: app\n    include: ${include}\n    exclude: ['**/*.test.ts']\n    nodeModules: production\n    noExecute: [bin/run.js]\n${more}`,
    ),
    'b.yaml',
  );
  const [extra] = config.files;
  assert.ok(extra);
  return extra;
}

function listing(tar: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-pack-list-'));
  writeFileSync(join(dir, 'a.tar'), tar);
  return execFileSync('tar', ['-tvf', join(dir, 'a.tar'), '--numeric-owner'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' '));
}

test('a directory packs to the same tar under any umask and mtime: tracked, filtered, production packages only', async () => {
  const one = await packDirectory(checkout(0o022, 1_000_000_000), entry());
  const two = await packDirectory(checkout(0o077, 1_700_000_000), entry());
  assert.ok(one.equals(two), 'the same checkout packed under another umask and mtime differs');
  assert.deepEqual(listing(one), [
    '-rw-r--r-- 0/0 20 1970-01-01 00:00 bin/run.js',
    '-rwxr-xr-x 0/0 7 1970-01-01 00:00 bin/tool.sh',
    '-rwxr-xr-x 0/0 20 1970-01-01 00:00 node_modules/prod/cli.js',
    '-rw-r--r-- 0/0 20 1970-01-01 00:00 node_modules/prod/index.js',
    '-rw-r--r-- 0/0 2 1970-01-01 00:00 node_modules/prod/index.test.ts',
    '-rw-r--r-- 0/0 2 1970-01-01 00:00 node_modules/prod/node_modules/nested/x.js',
    '-rw-r--r-- 0/0 2 1970-01-01 00:00 node_modules/prod/test/node_modules/fixture.js',
    `-rw-r--r-- 0/0 ${packageLock.length} 1970-01-01 00:00 package-lock.json`,
    '-rw-r--r-- 0/0 20 1970-01-01 00:00 src/a.ts',
  ]);
});

test('tracked: false packs every file but .git and node_modules; a package the lock needs must be installed', async () => {
  const root = checkout(0o022, 1_000_000_000);
  const all = listing(await packDirectory(root, entry("['**']", '    tracked: false\n'))).map((l) =>
    l.split(' ').at(-1),
  );
  assert.ok(all.includes('untracked.txt') && all.includes('docs/readme.md'), all.join('\n'));
  assert.ok(!all.some((p) => p?.startsWith('.git/') || p === 'node_modules/dev/y.js'), all.join('\n'));
  execFileSync('rm', ['-r', join(root, 'node_modules/prod/node_modules/nested')]);
  await assert.rejects(
    packDirectory(root, entry()),
    (e) =>
      isSgciError(e, 'CONFIG_INVALID') && /node_modules\/prod\/node_modules\/nested: not installed/.test(e.message),
  );
});
