import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testPackage, testSbom } from '../sbom-testing.ts';
import { testContext } from '../testing.ts';
import { vuln001 } from './vuln-001-sbom-attested.ts';

const digest = `sha256:${'ab'.repeat(32)}`;
const attested = (purls: string[]) => ({
  signatures: [],
  attestations: [
    {
      digest,
      predicateType: 'https://cyclonedx.org/bom',
      verified: true,
      predicate: { components: purls.map((purl) => ({ purl })) },
    },
  ],
});

test('manual without verifier; agreeing SBOM passes; drift warns and lists both sides', async () => {
  assert.equal((await vuln001.evaluate(testContext())).status, 'manual');
  const sbom = testSbom([testPackage('bash', '5.2'), testPackage('zlib1g', '1.2')]);
  assert.equal(
    (await vuln001.evaluate(testContext({ sbom, attestations: attested(sbom.packages.map((p) => p.purl)) }))).status,
    'pass',
  );
  const drift = await vuln001.evaluate(
    testContext({ sbom, attestations: attested(['pkg:deb/debian/bash@5.2', 'pkg:deb/debian/curl@8']) }),
  );
  assert.equal(drift.status, 'warn');
  assert.deepEqual(
    drift.evidence?.filter((e) => e.kind === 'package').map((e) => (e.kind === 'package' ? e.purl : '')),
    ['pkg:deb/debian/zlib1g@1.2', 'pkg:deb/debian/curl@8'],
  );
  assert.equal(
    (await vuln001.evaluate(testContext({ attestations: { signatures: [], attestations: [] } }))).status,
    'fail',
  );
});
