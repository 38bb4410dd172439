import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext } from '../testing.ts';
import { build004 } from './build-004-image-signed.ts';

const digest = `sha256:${'ab'.repeat(32)}`;

test('manual until verified; a verified signature passes; only unverified ones fail with the reason', async () => {
  assert.equal((await build004.evaluate(testContext())).status, 'manual');
  assert.equal(
    (
      await build004.evaluate(
        testContext({ attestations: { signatures: [{ digest, verified: true, keyId: 'k1' }], attestations: [] } }),
      )
    ).status,
    'pass',
  );
  const bad = await build004.evaluate(
    testContext({
      attestations: { signatures: [{ digest, verified: false }], attestations: [], error: 'registry unreachable' },
    }),
  );
  assert.equal(bad.status, 'fail');
  assert.ok(bad.evidence?.some((e) => e.kind === 'note' && e.message === 'registry unreachable'));
});

test('discovery that failed before finding anything is manual with the reason, not a failure', async () => {
  const result = await build004.evaluate(
    testContext({ attestations: { signatures: [], attestations: [], error: 'registry.example: connection refused' } }),
  );
  assert.equal(result.status, 'manual');
  assert.match(result.status === 'manual' ? result.reason : '', /connection refused/);
});
