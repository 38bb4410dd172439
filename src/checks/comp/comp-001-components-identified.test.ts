import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testSbom } from '../sbom-testing.ts';
import { testContext } from '../testing.ts';
import { comp001 } from './comp-001-components-identified.ts';

test('unowned executables warn and are listed; none pass; no SBOM is not-applicable', async () => {
  const some = testSbom([], {
    unidentifiedExecutables: [
      { path: '/app/server', layer: 1 },
      { path: '/app/a.sh', layer: 1 },
    ],
  });
  const result = await comp001.evaluate(testContext({ sbom: some }));
  assert.equal(result.status, 'warn');
  assert.deepEqual(
    result.evidence?.filter((e) => e.kind === 'file').map((e) => (e.kind === 'file' ? e.path : '')),
    ['/app/a.sh', '/app/server'],
  );
  assert.equal((await comp001.evaluate(testContext({ sbom: testSbom([]) }))).status, 'pass');
  assert.equal((await comp001.evaluate(testContext())).status, 'not-applicable');
});
