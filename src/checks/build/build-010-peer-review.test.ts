import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext } from '../testing.ts';
import { build010 } from './build-010-peer-review.ts';

test('manual unless a verified source-track attestation exists', async () => {
  assert.equal((await build010.evaluate(testContext())).status, 'manual');
  const digest = `sha256:${'ab'.repeat(32)}`;
  const vsa = testContext({
    attestations: {
      signatures: [],
      attestations: [
        { digest, predicateType: 'https://slsa.dev/verification_summary/v1', verified: true, predicate: {} },
      ],
    },
  });
  assert.equal((await build010.evaluate(vsa)).status, 'pass');
});
