import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { fileItem, memoryTree } from '../testdata/tree.ts';
import { apkCataloger, apkLicenses } from './cataloger.ts';
import { parseApkInstalled } from './parse-installed.ts';

const alpine = join(corpusDir(), 'packages', 'alpine');
const db = (name: string) => readFileSync(join(alpine, name, 'lib/apk/db/installed'));

test('apk trivy-apk-installed: 15 packages with origin, licenses and resolved dependencies', async () => {
  const expected = JSON.parse(readFileSync(join(alpine, 'trivy-apk-installed/expected.json'), 'utf8'));
  const fs = memoryTree([fileItem('/lib/apk/db/installed', db('trivy-apk-installed'))]);
  const out = await apkCataloger.needs().catalog({ fs, limits: defaultLimits });
  assert.equal(out.packages.length, expected.package_count);
  const byId = new Map(out.packages.map((p) => [p.id, p]));
  for (const want of expected.packages as {
    Name: string;
    Version: string;
    SrcName: string;
    Licenses?: string[];
    DependsOn?: string[];
  }[]) {
    const pkg = out.packages.find((p) => p.name === want.Name);
    assert.ok(pkg, want.Name);
    assert.equal(pkg.version, want.Version);
    assert.ok(pkg.metadata.kind === 'apk');
    assert.equal(pkg.metadata.sourceName, want.SrcName);
    const deps = out.relationships
      .filter((r) => r.from === pkg.id)
      .map((r) => byId.get(r.to))
      .map((p) => `${p?.name}@${p?.version}`)
      .sort();
    assert.deepEqual(deps, [...(want.DependsOn ?? [])].sort(), `${want.Name} dependencies`);
  }
});

test('apk licenses: SPDX expressions kept, old space lists split and mapped', () => {
  assert.deepEqual(apkLicenses('( Apache-2.0 OR MIT ) AND MPL-2.0'), ['( Apache-2.0 OR MIT ) AND MPL-2.0']);
  assert.deepEqual(apkLicenses('MIT BSD GPL2+'), ['MIT', 'BSD', 'GPL-2.0-or-later']);
  assert.deepEqual(apkLicenses('GPL2'), ['GPL-2.0-only']);
});

for (const name of ['syft-single', 'syft-base', 'syft-empty-deps-and-provides']) {
  test(`apk ${name}: name, version, origin and file count as syft expects`, () => {
    const expected = JSON.parse(readFileSync(join(alpine, name, 'expected.json'), 'utf8'));
    const parsed = parseApkInstalled(db(name).toString('utf8'));
    assert.equal(parsed.length, expected.packages.length);
    for (const [i, want] of expected.packages.entries()) {
      const got = parsed[i];
      assert.ok(got);
      assert.equal(got.package, want.Name);
      assert.equal(got.version, want.Version);
      if (want.Metadata?.OriginPackage) assert.equal(got.origin, want.Metadata.OriginPackage);
      if (want.Metadata?.FileCount !== undefined) assert.equal(got.files.length, want.Metadata.FileCount);
    }
  });
}
