import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifests, testContext, testImage } from '../testing.ts';
import { run001 } from './run-001-resource-limits.ts';

const label = (r: string) => `org.opencontainers.image.resource.${r}`;

test('cpu and memory labels pass and a missing ephemeral-storage is noted', async () => {
  const image = testImage({ Labels: { [label('cpu')]: '500m', [label('memory')]: '64Mi' } });
  const result = await run001.evaluate(testContext({ image }));
  assert.equal(result.status, 'pass');
  assert.ok(
    result.evidence?.some(
      (e) => e.kind === 'config' && e.field.endsWith('ephemeral-storage') && e.message === 'not documented',
    ),
  );
});

test('memory alone fails', async () => {
  assert.equal(
    (await run001.evaluate(testContext({ image: testImage({ Labels: { [label('memory')]: '64Mi' } }) }))).status,
    'fail',
  );
});

test('manifests with requests/limits for every container document it; one container without fails', async () => {
  const ok = manifests(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
`);
  const result = await run001.evaluate(testContext({ image: testImage(), manifests: ok }));
  assert.equal(result.status, 'pass');
  assert.ok(result.evidence?.some((e) => e.kind === 'manifest' && e.message?.includes('ephemeral-storage missing')));
  const bad = manifests(
    'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      resources: {limits: {cpu: 1}}\n',
  );
  assert.equal((await run001.evaluate(testContext({ manifests: bad }))).status, 'fail');
});
