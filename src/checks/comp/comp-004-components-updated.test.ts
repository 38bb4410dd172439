import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testPackage, testSbom } from '../sbom-testing.ts';
import { testContext, testImage, testNow } from '../testing.ts';
import { comp004 } from './comp-004-components-updated.ts';

const daysAgo = (n: number) => new Date(testNow.getTime() - n * 86_400_000).toISOString();

test('a recent image on a supported release passes; older than the policy maximum fails', async () => {
  const sbom = testSbom([], { distro: { id: 'debian', versionId: '12' } });
  assert.equal(
    (await comp004.evaluate(testContext({ image: testImage({}, { created: daysAgo(10) }), sbom }))).status,
    'pass',
  );
  assert.equal(
    (await comp004.evaluate(testContext({ image: testImage({}, { created: daysAgo(91) }), sbom }))).status,
    'fail',
  );
});

test('an end-of-life runtime fails a fresh image', async () => {
  const sbom = testSbom([testPackage('nodejs', '18.19.0+dfsg-6~deb12u2')]);
  const result = await comp004.evaluate(testContext({ image: testImage({}, { created: daysAgo(1) }), sbom }));
  assert.equal(result.status, 'fail');
  assert.ok(
    result.evidence?.some((e) => e.kind === 'package' && e.message?.includes('end of life 2025-04-30 (passed)')),
  );
});

test('a missing creation date is reported, not assumed fresh', async () => {
  const image = testImage();
  const undated = { ...image, config: { ...image.config, created: undefined } };
  assert.equal((await comp004.evaluate(testContext({ image: undated }))).status, 'fail');
});
