import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourceURL } from './source-resolve.ts';

const sources = 'file:///opt/sgci/src/';
const parent = 'file:///opt/sgci/src/cli/commands/sbom.ts';

test('a relative import of a .ts file among the sources is the file beside its importer', () => {
  assert.equal(sourceURL('./index.ts', parent, sources), 'file:///opt/sgci/src/cli/commands/index.ts');
  assert.equal(sourceURL('../../scan/index.ts', parent, sources), 'file:///opt/sgci/src/scan/index.ts');
});

test('everything else is left to Node: packages, built-ins, other files, other importers, ways out of src/', () => {
  for (const specifier of ['commander', 'node:fs', '#src/core/index.ts', './data.json', './dir', '/opt/x.ts'])
    assert.equal(sourceURL(specifier, parent, sources), undefined, specifier);
  // out of the sources, or encoded, queried or fragment parts that Node's resolver treats specially
  for (const specifier of ['../../../bin/x.ts', '../../../../etc/x.ts', './a%2e.ts', './a.ts?x=1.ts', './a.ts#.ts'])
    assert.equal(sourceURL(specifier, parent, sources), undefined, specifier);
  // an importer outside the sources (a package, the bin, a test hook) resolves its imports as Node does
  for (const importer of [undefined, 'file:///opt/sgci/node_modules/x/index.ts', 'file:///opt/sgci/bin/sgci.js'])
    assert.equal(sourceURL('./index.ts', importer, sources), undefined, String(importer));
  // a sibling folder whose name starts like src/ is not src/
  assert.equal(sourceURL('./a.ts', 'file:///opt/sgci/src-old/a.ts', sources), undefined);
});
