import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testImage } from '../testing.ts';
import { comp005 } from './comp-005-automatic-updates.ts';

test('needs the platform history: manual with the reason', async () => {
  const result = await comp005.evaluate(testContext({ image: testImage() }));
  assert.equal(result.status, 'manual');
  assert.match(result.status === 'manual' ? result.reason : '', /history/);
});
