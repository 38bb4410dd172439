import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { fileItem, memoryTree } from '../testdata/tree.ts';
import { dotnetCataloger } from './cataloger.ts';
import { parseDepsJson } from './parse-deps-json.ts';

const dir = join(corpusDir(), 'packages', 'dotnet', 'trivy-deps-json');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.deps.json'))) {
  test(`deps.json ${file}: the libraries trivy expects`, () => {
    const expected = JSON.parse(readFileSync(join(dir, `${file}.expected.json`), 'utf8'));
    const got = parseDepsJson(readFileSync(join(dir, file), 'utf8'))
      .map((l) => `${l.name}@${l.version}`)
      .sort();
    assert.deepEqual(
      got,
      expected.packages.map((p: { Name: string; Version: string }) => `${p.Name}@${p.Version}`).sort(),
    );
  });
}

test('dotnet cataloger: nuget purls, project as application, dependency edges', async () => {
  const fs = memoryTree([fileItem('/app/ExampleApp1.deps.json', readFileSync(join(dir, 'happy.deps.json')))]);
  const out = await dotnetCataloger.needs().catalog({ fs, limits: defaultLimits });
  assert.deepEqual(out.packages.map((p) => `${p.purl} ${p.type}`).sort(), [
    'pkg:nuget/ExampleApp1@1.0.0 application',
    'pkg:nuget/Newtonsoft.Json@13.0.1 library',
  ]);
  assert.equal(out.relationships.length, 1);
});
