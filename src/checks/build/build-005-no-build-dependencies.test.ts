import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Package } from '../../catalog/package.ts';
import type { Sbom } from '../../sbom/index.ts';
import { dockerfile, testContext, testFilesystem } from '../testing.ts';
import { build005, isDevPackage } from './build-005-no-build-dependencies.ts';

const pkg = (name: string, ecosystem: Package['ecosystem'] = 'deb'): Package => ({
  id: name,
  name,
  version: '1',
  ecosystem,
  type: 'library',
  purl: `pkg:${ecosystem}/debian/${name}@1`,
  locations: [],
  licenses: [],
  foundBy: 'test',
  layer: 0,
  metadata: { kind: 'deb' },
});
const sbom = (packages: Package[]): Sbom => ({
  subject: { name: 'x' },
  packages,
  relationships: [],
  unidentifiedExecutables: [],
  unknowns: [],
  tool: { name: 'sgci', version: '0' },
});

test('gcc on the PATH and a -dev package fail; libdevmapper and "make" docs are bait', async () => {
  const fs = testFilesystem([{ path: '/usr/bin/gcc', mode: 0o755 }, { path: '/usr/share/doc/make/README' }]);
  const result = await build005.evaluate(
    testContext({ fs, sbom: sbom([pkg('libssl-dev'), pkg('libdevmapper1.02.1')]) }),
  );
  assert.equal(result.status, 'fail');
  assert.deepEqual(
    (result.evidence ?? []).map((e) => (e.kind === 'file' ? e.path : e.kind === 'package' ? e.name : '')),
    ['/usr/bin/gcc', 'libssl-dev'],
  );
  assert.equal(isDevPackage('libdevmapper1.02.1', 'deb'), false);
  assert.equal(isDevPackage('openssl-devel', 'rpm'), true);
});

test('a clean image from a multi-stage build passes; a single-stage Dockerfile warns', async () => {
  const fs = testFilesystem([{ path: '/app/server', mode: 0o755 }]);
  const multi = dockerfile('FROM golang:1.22 AS build\nRUN go build\nFROM scratch\nCOPY --from=build /out /app\n');
  assert.equal((await build005.evaluate(testContext({ fs, dockerfile: multi }))).status, 'pass');
  assert.equal(
    (await build005.evaluate(testContext({ fs, dockerfile: dockerfile('FROM node:22\nRUN npm ci\n') }))).status,
    'warn',
  );
});
