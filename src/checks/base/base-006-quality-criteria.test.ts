import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sbom } from '../../sbom/index.ts';
import { testContext, testImage } from '../testing.ts';
import { base006 } from './base-006-quality-criteria.ts';

const sbom = (id: string, versionId: string): Sbom => ({
  subject: { name: 'x' },
  distro: { id, versionId },
  packages: [],
  relationships: [],
  unidentifiedExecutables: [],
  unknowns: [],
  tool: { name: 'sgci', version: '0' },
});
const withBase = (name: string) => testImage({}, { annotations: { 'org.opencontainers.image.base.name': name } });

test('official base on a supported release passes', async () => {
  const result = await base006.evaluate(
    testContext({ image: withBase('debian:bookworm-slim'), sbom: sbom('debian', '12') }),
  );
  assert.equal(result.status, 'pass');
});

test('an end-of-life release fails even with an official base', async () => {
  const result = await base006.evaluate(
    testContext({ image: withBase('debian:buster-slim'), sbom: sbom('debian', '10') }),
  );
  assert.equal(result.status, 'fail');
});

test('a base from an untrusted namespace fails', async () => {
  const result = await base006.evaluate(
    testContext({ image: withBase('someone/debian:12'), sbom: sbom('debian', '12') }),
  );
  assert.equal(result.status, 'fail');
});

test('an unidentified base on a supported release is manual', async () => {
  const result = await base006.evaluate(testContext({ image: testImage(), sbom: sbom('alpine', '3.22.1') }));
  assert.equal(result.status, 'manual');
});
