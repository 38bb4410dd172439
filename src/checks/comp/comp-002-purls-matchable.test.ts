import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testPackage, testSbom } from '../sbom-testing.ts';
import { testContext } from '../testing.ts';
import { comp002, osvCovered } from './comp-002-purls-matchable.ts';

test('deb/debian, npm and pypi are covered; a binary classifier purl and an unknown distro are not', async () => {
  assert.equal(osvCovered(testPackage('bash')), true);
  assert.equal(osvCovered(testPackage('express', '4.17.1', { ecosystem: 'npm' })), true);
  assert.equal(osvCovered(testPackage('x', '1', { purl: 'pkg:deb/madeupos/x@1' })), false);
  assert.equal(
    osvCovered(testPackage('busybox', '1.36', { ecosystem: 'binary', purl: 'pkg:generic/busybox@1.36' })),
    false,
  );
  const result = await comp002.evaluate(
    testContext({
      sbom: testSbom([
        testPackage('bash'),
        testPackage('busybox', '1.36', { ecosystem: 'binary', purl: 'pkg:generic/busybox@1.36' }),
      ]),
    }),
  );
  assert.equal(result.status, 'warn');
  assert.ok(result.evidence?.some((e) => e.kind === 'package' && e.purl === 'pkg:generic/busybox@1.36'));
});
