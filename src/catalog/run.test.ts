import assert from 'node:assert/strict';
import { test } from 'node:test';
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
