import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testImage } from '../testing.ts';
import { run013 } from './run-013-forensic-logging.ts';

test('is a reviewer decision', async () => {
  assert.equal((await run013.evaluate(testContext({ image: testImage() }))).status, 'manual');
});
