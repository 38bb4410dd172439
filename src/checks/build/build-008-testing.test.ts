import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext } from '../testing.ts';
import { build008 } from './build-008-testing.ts';

test('a verified test-result attestation passes; otherwise manual', async () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  assert.equal((await build008.evaluate(testContext())).status, 'manual');
  assert.equal(
    (await build008.evaluate(testContext({ attestations: { signatures: [], attestations: [] } }))).status,
    'manual',
  );
  const ok = await build008.evaluate(
    testContext({
      attestations: {
        signatures: [],
        attestations: [
          { digest, predicateType: 'https://in-toto.io/attestation/test-result/v0.1', verified: true, predicate: {} },
        ],
      },
    }),
  );
  assert.equal(ok.status, 'pass');
});
