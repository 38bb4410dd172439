import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testImage } from '../testing.ts';
import { base004 } from './base-004-kept-up-to-date.ts';

test('needs platform history: manual with the reason and the grace period', async () => {
  const image = testImage({}, { annotations: { 'org.opencontainers.image.base.name': 'alpine:3.20' } });
  const result = await base004.evaluate(testContext({ image }));
  assert.equal(result.status, 'manual');
  assert.match(result.status === 'manual' ? result.reason : '', /digests over time \(grace period 7 days\)/);
  assert.equal(result.evidence?.length, 1);
});
