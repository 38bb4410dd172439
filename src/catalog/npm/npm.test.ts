import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { fileItem, memoryTree } from '../testdata/tree.ts';
import { npmCataloger } from './cataloger.ts';
import { parsePackageJson } from './parse-package-json.ts';

const dir = join(corpusDir(), 'packages', 'npm', 'syft-package-json');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))) {
  test(`package.json ${file}: name, version, licenses as syft expects`, () => {
    const expected = JSON.parse(readFileSync(join(dir, `${file}.expected.json`), 'utf8'));
    const got = parsePackageJson(readFileSync(join(dir, file), 'utf8'));
    const want = expected.packages[0];
    assert.ok(got);
    assert.equal(got.name, want.Name);
    assert.equal(got.version, want.Version);
    if (file === 'package-malformed-license.json') {
      // syft drops `licenses: ["MIT"]` as malformed; the intent is unambiguous, so we keep it
      assert.deepEqual(got.licenses, ['MIT']);
    } else {
      assert.deepEqual(got.licenses, want.Licenses ?? []);
    }
  });
}

test('npm cataloger: installed packages only, scoped purls, dependencies resolved the way node does', async () => {
  const pj = (name: string, version: string, deps: Record<string, string> = {}) =>
    JSON.stringify({ name, version, license: 'MIT', dependencies: deps });
  const fs = memoryTree([
    fileItem('/app/package.json', pj('app', '1.0.0', { a: '1' })),
    fileItem('/app/node_modules/a/package.json', pj('a', '1.0.0', { b: '2', '@s/c': '1' })),
    fileItem('/app/node_modules/a/node_modules/b/package.json', pj('b', '2.0.0')),
    fileItem('/app/node_modules/b/package.json', pj('b', '1.0.0')),
    fileItem('/app/node_modules/@s/c/package.json', pj('@s/c', '1.0.0', { b: '1' })),
    fileItem('/app/node_modules/a/test/fixture/package.json', pj('not-a-package', '0.0.0')),
    fileItem('/usr/share/nodejs/xtend/package.json', pj('xtend', '4.0.2')),
  ]);
  const out = await npmCataloger.needs().catalog({ fs, limits: defaultLimits });
  assert.deepEqual(out.packages.map((p) => p.purl).sort(), [
    'pkg:npm/%40s/c@1.0.0',
    'pkg:npm/a@1.0.0',
    'pkg:npm/b@1.0.0',
    'pkg:npm/b@2.0.0',
    'pkg:npm/xtend@4.0.2',
  ]);
  const purlOf = new Map(out.packages.map((p) => [p.id, p.purl]));
  const edges = out.relationships.map((r) => `${purlOf.get(r.from)} -> ${purlOf.get(r.to)}`).sort();
  assert.deepEqual(edges, [
    'pkg:npm/%40s/c@1.0.0 -> pkg:npm/b@1.0.0',
    'pkg:npm/a@1.0.0 -> pkg:npm/%40s/c@1.0.0',
    'pkg:npm/a@1.0.0 -> pkg:npm/b@2.0.0',
  ]);
});
