import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext } from '../testing.ts';
import { vuln003 } from './vuln-003-vex-attested.ts';

test('a verified OpenVEX attestation passes; none fails; no verifier is manual', async () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  assert.equal((await vuln003.evaluate(testContext())).status, 'manual');
  const vex = testContext({
    attestations: {
      signatures: [],
      attestations: [{ digest, predicateType: 'https://openvex.dev/ns/v0.2.0', verified: true, predicate: {} }],
    },
  });
  assert.equal((await vuln003.evaluate(vex)).status, 'pass');
  assert.equal(
    (await vuln003.evaluate(testContext({ attestations: { signatures: [], attestations: [] } }))).status,
    'fail',
  );
});
