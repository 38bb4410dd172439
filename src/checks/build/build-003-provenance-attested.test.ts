import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext } from '../testing.ts';
import { build003 } from './build-003-provenance-attested.ts';

const digest = `sha256:${'ab'.repeat(32)}`;

test('a verified SLSA provenance passes, a verified SBOM attestation alone does not', async () => {
  assert.equal((await build003.evaluate(testContext())).status, 'manual');
  const att = (predicateType: string) =>
    testContext({
      attestations: { signatures: [], attestations: [{ digest, predicateType, verified: true, predicate: {} }] },
    });
  assert.equal((await build003.evaluate(att('https://slsa.dev/provenance/v0.2'))).status, 'pass');
  assert.equal((await build003.evaluate(att('https://cyclonedx.org/bom'))).status, 'fail');
});
