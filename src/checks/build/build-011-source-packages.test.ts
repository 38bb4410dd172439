import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testImage } from '../testing.ts';
import { build011 } from './build-011-source-packages.ts';

test('is a reviewer decision whatever the inputs', async () => {
  const result = await build011.evaluate(testContext({ image: testImage() }));
  assert.equal(result.status, 'manual');
});
