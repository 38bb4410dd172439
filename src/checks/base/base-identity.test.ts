import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predicateTypes, sgciPackagesBuildType } from '../../attest/sign/index.ts';
import type { AttestationInput } from '../check.ts';
import { dockerfile, testContext, testImage } from '../testing.ts';
import { base002 } from './base-002-provenance-verified.ts';
import { base003 } from './base-003-pinned-by-digest.ts';

const digest = `sha256:${'ab'.repeat(32)}`;

function provenance(buildType: string, verified = true): AttestationInput {
  return {
    signatures: [{ digest, verified: true }],
    attestations: [
      {
        digest,
        predicateType: predicateTypes.slsaprovenance1,
        verified,
        predicate: { buildDefinition: { buildType } },
      },
    ],
  };
}

for (const check of [base002, base003]) {
  test(`${check.id}: an image sgci built from packages, by its verified provenance, has no base to judge`, async () => {
    const result = await check.evaluate(
      testContext({ image: testImage(), attestations: provenance(sgciPackagesBuildType) }),
    );
    assert.equal(result.status, 'not-applicable');
    assert.ok(result.status === 'not-applicable' && /no base image/.test(result.reason));
    assert.deepEqual(result.evidence, [{ kind: 'attestation', digest, predicateType: predicateTypes.slsaprovenance1 }]);
  });

  test(`${check.id}: without a verified sgci provenance, or with a base named, the base is still asked for`, async () => {
    const image = testImage();
    const unverified = await check.evaluate(
      testContext({ image, attestations: provenance(sgciPackagesBuildType, false) }),
    );
    assert.equal(unverified.status, 'fail');
    const otherBuilder = await check.evaluate(
      testContext({ image, attestations: provenance('https://github.com/actions/runner/v1') }),
    );
    assert.equal(otherBuilder.status, 'fail');
    assert.equal((await check.evaluate(testContext({ image }))).status, 'fail');
    const annotated = testImage(
      {},
      { annotations: { 'org.opencontainers.image.base.name': 'docker.io/library/debian:12' } },
    );
    const withBase = await check.evaluate(
      testContext({ image: annotated, attestations: provenance(sgciPackagesBuildType) }),
    );
    assert.notEqual(withBase.status, 'not-applicable');
    const withDockerfile = await check.evaluate(
      testContext({
        image,
        dockerfile: dockerfile('FROM debian:12\n'),
        attestations: provenance(sgciPackagesBuildType),
      }),
    );
    assert.notEqual(withDockerfile.status, 'not-applicable');
  });
}
