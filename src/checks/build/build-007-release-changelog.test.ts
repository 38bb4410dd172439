import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testImage } from '../testing.ts';
import { build007 } from './build-007-release-changelog.ts';

test('a documentation reference is present -> manual review of its content; none -> fail', async () => {
  const withDocs = testImage({
    Labels: { 'org.opencontainers.image.documentation': 'https://docs.example/changelog' },
  });
  const result = await build007.evaluate(testContext({ image: withDocs }));
  assert.equal(result.status, 'manual');
  assert.equal(result.evidence?.[0]?.kind, 'config');
  assert.equal((await build007.evaluate(testContext({ image: testImage() }))).status, 'fail');
});
