import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { dirItems, memoryTree } from '../testdata/tree.ts';
import { phpCataloger } from './cataloger.ts';

for (const name of ['syft-installed-json-composer_1', 'syft-installed-json-composer_2']) {
  test(`composer installed.json ${name}: purls and licenses as syft expects`, async () => {
    const root = join(corpusDir(), 'packages', 'php', name);
    const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8'));
    const out = await phpCataloger.needs().catalog({ fs: memoryTree(dirItems(root)), limits: defaultLimits });
    const got = out.packages.map((p) => [p.name, p.version, p.purl, p.licenses]);
    const want = expected.packages.map((p: { Name: string; Version: string; PURL: string; Licenses: string[] }) => [
      p.Name,
      p.Version,
      p.PURL,
      p.Licenses,
    ]);
    assert.deepEqual(got.sort(), want.sort());
  });
}
