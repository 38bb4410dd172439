import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerfile, testContext, testImage } from '../testing.ts';
import { base002 } from './base-002-provenance-verified.ts';

const baseDigest = `sha256:${'cd'.repeat(32)}`;

test('an unidentified base fails', async () => {
  const result = await base002.evaluate(testContext({ image: testImage() }));
  assert.equal(result.status, 'fail');
});

test('an identified base without a verifier is manual, with the base as evidence', async () => {
  const image = testImage(
    {},
    {
      annotations: {
        'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20',
        'org.opencontainers.image.base.digest': baseDigest,
      },
    },
  );
  const result = await base002.evaluate(testContext({ image }));
  assert.equal(result.status, 'manual');
  assert.ok(result.evidence?.some((e) => e.kind === 'config' && e.value === baseDigest));
});

test('a verified signature over the base digest passes; one over another digest fails', async () => {
  const image = testImage({}, { annotations: { 'org.opencontainers.image.base.digest': baseDigest } });
  const good = await base002.evaluate(
    testContext({ image, attestations: { signatures: [{ digest: baseDigest, verified: true }], attestations: [] } }),
  );
  assert.equal(good.status, 'pass');
  const other = await base002.evaluate(
    testContext({
      image,
      attestations: { signatures: [{ digest: `sha256:${'ee'.repeat(32)}`, verified: true }], attestations: [] },
    }),
  );
  assert.equal(other.status, 'fail');
});

test('the Dockerfile FROM identifies the base', async () => {
  const result = await base002.evaluate(testContext({ dockerfile: dockerfile('FROM alpine:3.20\n') }));
  assert.equal(result.status, 'manual');
});
