import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogerFailure, isCatalogerFailure } from './cataloger.ts';
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
