import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { normaliseLicense } from '../license.ts';
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

test('every gem RubyGems knows on this machine, default gems included, with name, version and licenses', async () => {
  const ruby = spawnSync(
    'ruby',
    ['-e', 'Gem::Specification.each { |s| puts [s.name, s.version, s.licenses.join(","), s.loaded_from].join("\\t") }'],
    { encoding: 'utf8' },
  );
  assert.equal(ruby.error, undefined, 'ruby is installed by scripts/setup.sh');
  const specs = ruby.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
  const dirs = [...new Set(specs.map(([, , , path]) => dirname(path ?? '')))].filter(
    (d) => !d.endsWith('/specifications/default'),
  );
  const fs = memoryTree(dirs.flatMap((d) => dirItems(d, 0, d)));
  const out = await rubyCataloger.needs().catalog({ fs, limits: defaultLimits });
  assert.ok(specs.some(([name, , , path]) => name === 'uri' && path?.includes('/specifications/default/')));
  // RubyGems loads one spec per name and version (rake ships in two spec directories); sgci lists each file
  const ours = new Set(out.packages.map((p) => `${p.name} ${p.version} ${p.licenses.join(',')}`));
  const theirs = new Set(
    specs.map(([name, version, licenses]) => {
      const spdx = [...new Set((licenses ?? '').split(',').filter(Boolean).map(normaliseLicense))].sort();
      return `${name} ${version} ${spdx.join(',')}`;
    }),
  );
  assert.deepEqual([...ours].sort(), [...theirs].sort());
  const files = new Set(out.packages.map((p) => p.locations[0]?.path));
  for (const [name, , , path] of specs) assert.ok(files.has(path), `${name}: ${path}`);
});
