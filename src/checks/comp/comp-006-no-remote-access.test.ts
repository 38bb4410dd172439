import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testPackage, testSbom } from '../sbom-testing.ts';
import { testContext, testFilesystem } from '../testing.ts';
import { comp006 } from './comp-006-no-remote-access.ts';

test('sshd and dropbear fail with their owning package', async () => {
  const fs = testFilesystem([
    { path: '/usr/sbin/sshd', mode: 0o755, layer: 1 },
    { path: '/usr/sbin/dropbear', mode: 0o755 },
  ]);
  const pkg = testPackage('openssh-server', '1:9.2p1', {
    metadata: { kind: 'deb', files: [{ path: '/usr/sbin/sshd' }] },
  });
  const result = await comp006.evaluate(testContext({ fs, sbom: testSbom([pkg]) }));
  assert.equal(result.status, 'fail');
  assert.ok(
    result.evidence?.some(
      (e) => e.kind === 'file' && e.path === '/usr/sbin/sshd' && e.message?.includes('openssh-server'),
    ),
  );
  assert.ok(result.evidence?.some((e) => e.kind === 'package' && e.name === 'openssh-server'));
});

test('false-positive bait: the ssh client, sshd_config and a telnet doc pass', async () => {
  const fs = testFilesystem([
    { path: '/usr/bin/ssh', mode: 0o755 },
    { path: '/etc/ssh/sshd_config' },
    { path: '/usr/share/doc/telnetd/copyright' },
    { path: '/usr/lib/systemd/system/sshd.service' },
  ]);
  assert.equal(
    (await comp006.evaluate(testContext({ fs, sbom: testSbom([testPackage('openssh-client')]) }))).status,
    'pass',
  );
});
