import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext } from '../testing.ts';
import { build002 } from './build-002-isolated-build.ts';

const digest = `sha256:${'ab'.repeat(32)}`;

test('without the verifier: manual; a provenance naming builder.id passes; one without fails', async () => {
  assert.equal((await build002.evaluate(testContext())).status, 'manual');
  const good = await build002.evaluate(
    testContext({
      attestations: {
        signatures: [],
        attestations: [
          {
            digest,
            predicateType: 'https://slsa.dev/provenance/v1',
            verified: true,
            predicate: { runDetails: { builder: { id: 'https://ci.example/runner' } } },
          },
        ],
      },
    }),
  );
  assert.equal(good.status, 'pass');
  const unverified = await build002.evaluate(
    testContext({
      attestations: {
        signatures: [],
        attestations: [
          {
            digest,
            predicateType: 'https://slsa.dev/provenance/v1',
            verified: false,
            predicate: { runDetails: { builder: { id: 'x' } } },
          },
        ],
      },
    }),
  );
  assert.equal(unverified.status, 'fail');
});
