import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testImage } from '../testing.ts';
import { run007 } from './run-007-restart-migration.ts';

test('is a reviewer decision', async () => {
  assert.equal((await run007.evaluate(testContext({ image: testImage() }))).status, 'manual');
});
