import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifests, testContext, testFilesystem } from '../testing.ts';
import { run011 } from './run-011-no-privileged-mode.ts';

test('setuid, setgid and file capabilities fail, also in a file a later layer removed', async () => {
  const fs = testFilesystem(
    [
      { path: '/usr/bin/su', mode: 0o4755 },
      { path: '/usr/bin/ping', mode: 0o755, xattrs: { 'security.capability': new Uint8Array([1, 0, 0, 2]) } },
      { path: '/usr/bin/wall', mode: 0o2755, gid: 5 },
    ],
    [{ path: '/usr/bin/find', mode: 0o4755, layer: 2 }],
  );
  const result = await run011.evaluate(testContext({ fs }));
  assert.equal(result.status, 'fail');
  const files = (result.evidence ?? []).map((e) =>
    e.kind === 'file' ? `${e.path}:${e.hidden ? 'hidden' : 'visible'}` : '',
  );
  assert.deepEqual(files, [
    '/usr/bin/ping:visible',
    '/usr/bin/su:visible',
    '/usr/bin/wall:visible',
    '/usr/bin/find:hidden',
  ]);
});

test('false-positive bait: sticky /tmp and a setuid-named directory pass', async () => {
  const fs = testFilesystem([
    { path: '/tmp', type: 'dir', mode: 0o1777 },
    { path: '/opt/suid', type: 'dir', mode: 0o4755 },
  ]);
  assert.equal((await run011.evaluate(testContext({ fs }))).status, 'pass');
});

test('manifests: a hardened container passes, privileged/escalation/caps/hostPID each fail', async () => {
  const hardened = `{allowPrivilegeEscalation: false, privileged: false, capabilities: {drop: [ALL]}}`;
  const pod = (sc: string, extra = '') =>
    manifests(`kind: Pod\nmetadata: {name: p}\nspec:\n${extra}  containers: [{name: a, securityContext: ${sc}}]\n`);
  assert.equal((await run011.evaluate(testContext({ manifests: pod(hardened) }))).status, 'pass');
  assert.equal(
    (
      await run011.evaluate(
        testContext({
          manifests: pod('{privileged: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}'),
        }),
      )
    ).status,
    'fail',
  );
  assert.equal(
    (await run011.evaluate(testContext({ manifests: pod('{allowPrivilegeEscalation: false}') }))).status,
    'fail',
  );
  assert.equal((await run011.evaluate(testContext({ manifests: pod(hardened, '  hostPID: true\n') }))).status, 'fail');
});
