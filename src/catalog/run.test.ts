import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultLimits } from '../core/index.ts';
import { catalogerFailure, emptyOutput, isCatalogerFailure, readMatches } from './cataloger.ts';
import { catalogerNeeds, catalogTree } from './run.ts';
import { dpkgStatusOf } from './testdata/hostile.ts';
import { fileItem, memoryTree } from './testdata/tree.ts';

test('a 200000-stanza dpkg status: every package catalogued, openssl included, nothing unknown', {
  timeout: 120_000,
}, async () => {
  const tree = memoryTree([fileItem('/var/lib/dpkg/status', dpkgStatusOf(200_000))]);
  const sbom = await catalogTree(tree, { name: 'padded' }, catalogerNeeds());
  assert.equal(sbom.packages.length, 200_000);
  assert.ok(sbom.packages.some((p) => p.purl === 'pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64'));
  assert.deepEqual(sbom.unknowns, []);
});

test('a cataloger that throws is an unknown that says so, told apart from unknowns of single files', () => {
  const failure = catalogerFailure('dpkg-db-cataloger', new RangeError('Maximum call stack size exceeded'));
  assert.deepEqual(failure, {
    path: '/',
    reason: 'cataloger failed: dpkg-db-cataloger: Maximum call stack size exceeded',
  });
  assert.equal(isCatalogerFailure(failure), true);
  assert.equal(isCatalogerFailure({ path: '/var/lib/dpkg/status', layer: 0, reason: 'cataloger failed: x' }), false);
  assert.equal(isCatalogerFailure({ path: '/', reason: 'catalogued without the pass visitors' }), false);
});

test('globs without wildcards are looked up, and match what the tree glob matches', async () => {
  const link = fileItem('/var/lib/rpm/rpmdb.sqlite', '');
  const tree = memoryTree([
    fileItem('/var/lib/dpkg/status', 'Package: a\n'),
    fileItem('/etc/os-release', 'ID=debian\n'),
    { entry: { ...link.entry, type: 'symlink', size: 0, linkTarget: '/etc/os-release' } },
    { entry: { path: '/lib/apk/db', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 } },
  ]);
  const globs = [
    '/var/lib/dpkg/status',
    'var/lib/dpkg/status',
    '/var/lib/rpm/rpmdb.sqlite',
    '/lib/apk/db',
    '/lib/apk/db/installed',
    '/var/lib//dpkg/status',
    '/var/lib/dpkg/*',
  ];
  for (const glob of globs) {
    const out = emptyOutput();
    const found = await readMatches({ fs: tree, limits: defaultLimits }, [glob], out);
    const expected = tree.glob(glob).filter((entry) => entry.type === 'file');
    assert.deepEqual(
      found.map((f) => f.entry),
      expected,
      glob,
    );
  }
});
