import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { parseGoMod, parseGoSum } from './parse-gomod.ts';

const go = join(corpusDir(), 'packages', 'go');

for (const dir of readdirSync(join(go, 'trivy-gomod'))) {
  for (const file of readdirSync(join(go, 'trivy-gomod', dir)).filter((f) => f.endsWith('.expected.json'))) {
    test(`go.mod ${dir}/${file}: modules and relationships as trivy expects`, () => {
      const expected = JSON.parse(readFileSync(join(go, 'trivy-gomod', dir, file), 'utf8'));
      const source = file.replace(/(\.no-replace|\.normal-with-stdlib)?\.expected\.json$/, '');
      const got = parseGoMod(readFileSync(join(go, 'trivy-gomod', dir, source), 'utf8'), {
        replace: !file.includes('no-replace'),
      })
        .map((m) => [m.version ? `${m.name}@${m.version}` : m.name, m.relationship])
        .sort();
      const want = expected.packages
        .map((p: { ID: string; Relationship: string }) => [
          p.ID,
          p.Relationship.replace('ftypes.Relationship', '').toLowerCase(),
        ])
        .sort();
      assert.deepEqual(got, want);
    });
  }
}

for (const file of readdirSync(join(go, 'trivy-gosum')).filter((f) => f.endsWith('.sum'))) {
  test(`go.sum ${file}: module versions as trivy expects`, () => {
    const expected = JSON.parse(readFileSync(join(go, 'trivy-gosum', `${file}.expected.json`), 'utf8'));
    const got = parseGoSum(readFileSync(join(go, 'trivy-gosum', file), 'utf8'))
      .map((m) => `${m.name}@${m.version}`)
      .sort();
    assert.deepEqual(
      got,
      expected.packages.map((p: { Name: string; Version: string }) => `${p.Name}@${p.Version}`).sort(),
    );
  });
}
