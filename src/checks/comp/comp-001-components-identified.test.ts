import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogerFailure } from '../../catalog/index.ts';
import { decodeSbom, encodeSbom } from '../../sbom/index.ts';
import { testPackage, testSbom } from '../sbom-testing.ts';
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

test('a cataloger that failed fails the check, also after the SBOM went through CycloneDX and SPDX', async () => {
  const failed = testSbom([testPackage('zlib1g')], {
    unknowns: [
      catalogerFailure('dpkg-db-cataloger', new RangeError('Maximum call stack size exceeded')),
      { path: '/usr/lib/python3/dist-packages/x.dist-info/METADATA', layer: 0, reason: 'unreadable' },
    ],
  });
  for (const sbom of [
    failed,
    decodeSbom(encodeSbom(failed, 'cyclonedx-json'), 'bom.json'),
    decodeSbom(encodeSbom(failed, 'spdx-json'), 'spdx.json'),
  ]) {
    const result = await comp001.evaluate(testContext({ sbom }));
    assert.equal(result.status, 'fail');
    assert.deepEqual(
      result.evidence?.map((e) => e.message),
      [
        'cataloger failed: dpkg-db-cataloger: Maximum call stack size exceeded: its components are missing from the SBOM',
      ],
    );
  }
  // an unknown of one file is no failed cataloger
  const one = testSbom([], { unknowns: [{ path: '/x/METADATA', layer: 0, reason: 'unreadable' }] });
  assert.equal((await comp001.evaluate(testContext({ sbom: one }))).status, 'pass');
});
