import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifests, testContext, testImage } from '../testing.ts';
import { run004 } from './run-004-read-only-rootfs.ts';

test('every container including init containers needs readOnlyRootFilesystem: true', async () => {
  const ok = manifests(`kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers: [{name: init, securityContext: {readOnlyRootFilesystem: true}}]
          containers: [{name: job, securityContext: {readOnlyRootFilesystem: true}}]
`);
  assert.equal((await run004.evaluate(testContext({ manifests: ok }))).status, 'pass');
  const bad = manifests(
    'kind: Pod\nmetadata: {name: p}\nspec:\n  initContainers: [{name: init}]\n  containers: [{name: a, securityContext: {readOnlyRootFilesystem: true}}]\n',
  );
  assert.equal((await run004.evaluate(testContext({ manifests: bad }))).status, 'fail');
});

test('image alone: not decidable, the declared volumes are shown', async () => {
  const result = await run004.evaluate(testContext({ image: testImage({ Volumes: { '/data': {} } }) }));
  assert.equal(result.status, 'not-applicable');
  assert.ok(result.evidence?.some((e) => e.kind === 'config' && e.value === '/data'));
});
