import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifests, testContext } from '../testing.ts';
import { run003 } from './run-003-security-profile.ts';

test('RuntimeDefault seccomp at pod level passes; Unconfined fails; AppArmor annotation counts', async () => {
  const pod = (sc: string, annotations = '') =>
    manifests(
      `kind: Pod\nmetadata:\n  name: p\n${annotations}spec:\n  securityContext: ${sc}\n  containers: [{name: app}]\n`,
    );
  assert.equal(
    (await run003.evaluate(testContext({ manifests: pod('{seccompProfile: {type: RuntimeDefault}}') }))).status,
    'pass',
  );
  assert.equal(
    (await run003.evaluate(testContext({ manifests: pod('{seccompProfile: {type: Unconfined}}') }))).status,
    'fail',
  );
  assert.equal(
    (
      await run003.evaluate(
        testContext({
          manifests: pod(
            '{}',
            '  annotations: {container.apparmor.security.beta.kubernetes.io/app: runtime/default}\n',
          ),
        }),
      )
    ).status,
    'pass',
  );
});

test('without manifests it says so', async () => {
  assert.equal((await run003.evaluate(testContext())).status, 'not-applicable');
});
