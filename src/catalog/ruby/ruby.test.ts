import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { dirItems, memoryTree } from '../testdata/tree.ts';
import { rubyCataloger } from './cataloger.ts';

const root = join(corpusDir(), 'packages', 'ruby', 'syft-gemspec');

test('gemspecs: bundler and formatador (with #{} interpolation) as syft expects', async () => {
  const out = await rubyCataloger.needs().catalog({ fs: memoryTree(dirItems(root)), limits: defaultLimits });
  const want: string[] = [];
  for (const f of readdirSync(join(root, 'specifications')).filter((x) => x.endsWith('.expected.json'))) {
    const e = JSON.parse(readFileSync(join(root, 'specifications', f), 'utf8'));
    for (const p of e.packages) want.push(`${p.Name} ${p.Version} ${p.PURL} ${(p.Licenses ?? []).join(',')}`);
  }
  assert.deepEqual(
    out.packages.map((p) => `${p.name} ${p.version} ${p.purl} ${p.licenses.join(',')}`).sort(),
    want.sort(),
  );
});
