import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { accountFiles, dockerfile, manifests, testContext, testFilesystem, testImage } from '../testing.ts';
import { rootStages, run002 } from './run-002-non-root.ts';

test('numeric UID 65532 passes; no User, root, 1000 and a name missing from passwd fail', async () => {
  const fs = testFilesystem(accountFiles('app', 10001));
  const cases: [string | undefined, string][] = [
    ['65532', 'pass'],
    ['app', 'pass'],
    ['app:app', 'pass'],
    [undefined, 'fail'],
    ['root', 'fail'],
    ['0:0', 'fail'],
    ['1000', 'fail'],
    ['ghost', 'fail'],
  ];
  for (const [user, status] of cases) {
    const image = testImage(user === undefined ? {} : { User: user });
    assert.equal((await run002.evaluate(testContext({ image, fs }))).status, status, String(user));
  }
});

test('manifests: pod-level runAsNonRoot covers containers; a container overriding it fails', async () => {
  const m = manifests(`kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      initContainers: [{name: init}]
      containers:
        - {name: app}
        - {name: debug, securityContext: {runAsNonRoot: false}}
`);
  const result = await run002.evaluate(testContext({ manifests: m }));
  assert.equal(result.status, 'fail');
  const failing = result.evidence
    ?.filter((e) => e.kind === 'manifest' && e.message)
    .map((e) => (e.kind === 'manifest' ? e.container : ''));
  assert.deepEqual(failing, ['debug']);
});

// hadolint DL3002: the last USER of a stage is root (also inherited through FROM <stage>).
const hadolint = join(corpusDir(), 'dockerfiles', 'hadolint-cases');
const cases = (
  JSON.parse(readFileSync(join(hadolint, 'expected.json'), 'utf8')) as {
    cases: { file: string; rule: string; expect: string }[];
  }
).cases.filter((c) => c.rule === 'DL3002');

test('agrees with the hadolint DL3002 cases', async () => {
  assert.ok(cases.length >= 9);
  for (const c of cases) {
    const df = dockerfile(readFileSync(join(hadolint, c.file), 'utf8'), c.file);
    assert.equal(rootStages(df).length > 0, c.expect === 'violation', c.file);
    const status = (await run002.evaluate(testContext({ dockerfile: df }))).status;
    assert.equal(status !== 'pass', c.expect === 'violation', `${c.file}: ${status}`);
  }
});
