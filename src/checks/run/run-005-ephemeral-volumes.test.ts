import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifests, testContext } from '../testing.ts';
import { run005 } from './run-005-ephemeral-volumes.ts';

const pod = (volume: string, mount = '/tmp') =>
  manifests(
    `kind: Pod\nmetadata: {name: p}\nspec:\n  volumes: [{name: tmp, ${volume}}]\n  containers: [{name: a, volumeMounts: [{name: tmp, mountPath: ${mount}}]}]\n`,
  );

test('emptyDir at /tmp passes, hostPath at /tmp fails, no temp mount warns', async () => {
  assert.equal((await run005.evaluate(testContext({ manifests: pod('emptyDir: {}') }))).status, 'pass');
  assert.equal((await run005.evaluate(testContext({ manifests: pod('hostPath: {path: /tmp}') }))).status, 'fail');
  assert.equal((await run005.evaluate(testContext({ manifests: pod('emptyDir: {}', '/data') }))).status, 'warn');
});

test('a Secret or read-only mount under /var/run is not temporary data; a writable hostPath there still fails', async () => {
  const secret = await run005.evaluate(
    testContext({ manifests: pod('secret: {secretName: key}', '/var/run/secrets/sgci') }),
  );
  assert.equal(secret.status, 'warn', 'no temporary mount at all: the usual warning, not a failure');
  const hostPath = await run005.evaluate(testContext({ manifests: pod('hostPath: {path: /run}', '/var/run/app') }));
  assert.equal(hostPath.status, 'fail');
});
