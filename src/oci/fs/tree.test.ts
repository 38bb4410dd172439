import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSgciError } from '../../core/index.ts';
import type { FileEntry } from '../types.ts';
import { globToRegExp } from './glob.ts';
import { buildFileTree } from './tree.ts';

function entry(path: string, type: FileEntry['type'] = 'file', linkTarget?: string): FileEntry {
  return { path, type, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, size: 0, layer: 0, linkTarget };
}
const text = (s: string) => new TextEncoder().encode(s);

const tree = buildFileTree([
  { entry: entry('/', 'dir') },
  { entry: entry('/etc', 'dir') },
  { entry: entry('/etc/os-release', 'symlink', '../usr/lib/os-release') },
  { entry: entry('/usr', 'dir') },
  { entry: entry('/usr/lib', 'dir') },
  { entry: entry('/usr/lib/os-release'), content: text('ID=debian\n') },
  { entry: entry('/lib', 'symlink', 'usr/lib') },
  { entry: entry('/escape', 'symlink', '../../../../etc/os-release') },
  { entry: entry('/abs', 'symlink', '/usr/lib') },
  { entry: entry('/loop-a', 'symlink', 'loop-b') },
  { entry: entry('/loop-b', 'symlink', '/loop-a') },
  { entry: entry('/usr/bin/perl'), content: text('perl') },
  { entry: entry('/usr/bin/perl5.36', 'hardlink', '/usr/bin/perl') },
  { entry: entry('/etc/shadow') },
]);

test('get without followSymlinks returns the link itself', () => {
  assert.equal(tree.get('/etc/os-release')?.type, 'symlink');
  assert.equal(tree.get('etc/os-release/')?.type, 'symlink');
});

test('get follows relative, absolute and intermediate symlinks inside the root', () => {
  assert.equal(tree.get('/etc/os-release', { followSymlinks: true })?.path, '/usr/lib/os-release');
  assert.equal(tree.get('/lib/os-release', { followSymlinks: true })?.path, '/usr/lib/os-release');
  assert.equal(tree.get('/abs/os-release', { followSymlinks: true })?.path, '/usr/lib/os-release');
});

test('a symlink climbing above the root stays inside it', () => {
  assert.equal(tree.get('/escape', { followSymlinks: true })?.path, '/usr/lib/os-release');
});

test('a symlink loop resolves to nothing instead of hanging', () => {
  assert.equal(tree.get('/loop-a', { followSymlinks: true }), undefined);
  assert.equal(tree.get('/loop-b/x', { followSymlinks: true }), undefined);
});

test('glob lists matching entries sorted by path', () => {
  assert.deepEqual(
    tree.glob('/usr/**').map((e) => e.path),
    ['/usr', '/usr/bin/perl', '/usr/bin/perl5.36', '/usr/lib', '/usr/lib/os-release'],
  );
  const paths = [...tree.entries()].map((e) => e.path);
  assert.deepEqual(paths, [...paths].sort());
});

test('glob finds what testing every entry finds, also where it tests only the run below a literal directory', () => {
  // names that sort right beside each other (`usr`, `usr-x`, `usr.d`, `usr0`) put other paths next to a prefix's run
  const segment = fc.constantFrom('usr', 'usr-x', 'usr.d', 'usr0', 'lib', 'a', 'a.b', 'info', 'x.list');
  const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
  const patternPart = fc.constantFrom('usr', 'usr-x', 'lib', 'info', '*', '**', '*.list', 'a*', 'usr?', 'a.b');
  const pattern = fc
    .tuple(fc.boolean(), fc.array(patternPart, { minLength: 1, maxLength: 4 }))
    .map(([absolute, parts]) => `${absolute ? '/' : ''}${parts.join('/')}`);
  fc.assert(
    fc.property(fc.uniqueArray(path, { maxLength: 30 }), pattern, (paths, glob) => {
      const view = buildFileTree(paths.map((p) => ({ entry: entry(p) })));
      const regex = globToRegExp(glob);
      const expected = [...view.entries()].filter((e) => regex.test(e.path)).map((e) => e.path);
      assert.deepEqual(
        view.glob(glob).map((e) => e.path),
        expected,
        glob,
      );
    }),
    { numRuns: 1500 },
  );
});

test('read returns captured content, through symlinks and hardlinks', async () => {
  const osRelease = tree.get('/etc/os-release');
  assert.ok(osRelease);
  assert.equal(new TextDecoder().decode(await tree.read(osRelease)), 'ID=debian\n');
  const hardlink = tree.get('/usr/bin/perl5.36');
  assert.ok(hardlink);
  assert.equal(tree.hasContent(hardlink), true);
  assert.equal(new TextDecoder().decode(await tree.read(hardlink)), 'perl');
});

test('read of content nobody declared is a clear error', async () => {
  const shadow = tree.get('/etc/shadow');
  assert.ok(shadow);
  assert.equal(tree.hasContent(shadow), false);
  await assert.rejects(
    tree.read(shadow),
    (error) => isSgciError(error, 'USAGE') && /\/etc\/shadow/.test(error.message),
  );
});
