import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifests, testContext } from '../testing.ts';
import { run006 } from './run-006-read-only-volumes.ts';

const pod = (readOnly: string) =>
  manifests(
    `kind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      volumes: [{name: cfg, configMap: {name: c}}, {name: data, emptyDir: {}}]\n      containers: [{name: a, volumeMounts: [{name: cfg, mountPath: /etc/app${readOnly}}, {name: data, mountPath: /data}]}]\n`,
  );

test('a configMap mounted readOnly passes; writable fails; the writable emptyDir is not judged', async () => {
  assert.equal((await run006.evaluate(testContext({ manifests: pod(', readOnly: true') }))).status, 'pass');
  const bad = await run006.evaluate(testContext({ manifests: pod('') }));
  assert.equal(bad.status, 'fail');
  assert.equal(bad.evidence?.length, 1);
});
