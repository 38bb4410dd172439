import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceSchemes } from '../reference/index.ts';
import { imageSources } from './index.ts';

test('the source list serves every reference scheme exactly once', () => {
  assert.deepEqual(
    imageSources.map((source) => source.kind),
    [...referenceSchemes],
  );
});
