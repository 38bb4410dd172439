import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifests, testContext, testFilesystem, testImage } from '../testing.ts';
import { run010 } from './run-010-immutable.ts';

test('a package manager in the image fails', async () => {
  const fs = testFilesystem([{ path: '/sbin/apk', mode: 0o755 }]);
  assert.equal((await run010.evaluate(testContext({ fs }))).status, 'fail');
});

test('a writable volume over the working directory fails; read-only passes', async () => {
  const fs = testFilesystem([{ path: '/app/server', mode: 0o755 }]);
  const image = testImage({ WorkingDir: '/srv/app' });
  const pod = (ro: string) =>
    manifests(
      `kind: Pod\nmetadata: {name: p}\nspec:\n  volumes: [{name: code, emptyDir: {}}]\n  containers: [{name: a, volumeMounts: [{name: code, mountPath: /srv/app${ro}}]}]\n`,
    );
  assert.equal((await run010.evaluate(testContext({ image, fs, manifests: pod('') }))).status, 'fail');
  assert.equal((await run010.evaluate(testContext({ image, fs, manifests: pod(', readOnly: true') }))).status, 'pass');
});
