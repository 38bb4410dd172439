import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sbom } from '../../sbom/index.ts';
import { testContext } from '../testing.ts';
import { build009 } from './build-009-memory-safety.ts';

test('always manual, listing the ecosystems of the SBOM', async () => {
  const sbom = {
    subject: { name: 'x' },
    packages: [{ ecosystem: 'npm' }, { ecosystem: 'npm' }, { ecosystem: 'deb' }],
    relationships: [],
    unidentifiedExecutables: [],
    unknowns: [],
    tool: { name: 'sgci', version: '0' },
  } as unknown as Sbom;
  const result = await build009.evaluate(testContext({ sbom }));
  assert.equal(result.status, 'manual');
  assert.deepEqual(
    result.evidence?.map((e) => (e.kind === 'note' ? e.message : '')),
    ['1 deb packages', '2 npm packages'],
  );
});
