import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testFilesystem } from '../testing.ts';
import { base001 } from './base-001-minimal-image.ts';

test('an image with bash, apt and curl fails and names each path', async () => {
  const fs = testFilesystem([
    { path: '/usr/bin/bash', mode: 0o755 },
    { path: '/usr/bin/apt-get', mode: 0o755 },
    { path: '/usr/bin/curl', mode: 0o755, layer: 1 },
    { path: '/bin', type: 'symlink', linkTarget: 'usr/bin' },
  ]);
  const result = await base001.evaluate(testContext({ fs }));
  assert.equal(result.status, 'fail');
  const paths = (result.evidence ?? []).map((e) => (e.kind === 'file' ? `${e.path}@${e.layer}` : ''));
  assert.deepEqual(paths, ['/usr/bin/apt-get@0', '/usr/bin/bash@0', '/usr/bin/curl@1']);
});

test('false-positive bait: docs named like tools, a dangling sh link and a "bashrc" do not count', async () => {
  const fs = testFilesystem([
    { path: '/usr/share/doc/curl/README', content: 'curl' },
    { path: '/usr/share/man/man1/bash.1.gz' },
    { path: '/etc/bash.bashrc' },
    { path: '/bin/sh', type: 'symlink', linkTarget: '/bin/dash' },
    { path: '/app/server', mode: 0o755 },
  ]);
  const result = await base001.evaluate(testContext({ fs }));
  assert.equal(result.status, 'pass');
});

test('busybox counts as a shell', async () => {
  const fs = testFilesystem([{ path: '/bin/busybox', mode: 0o755 }]);
  assert.equal((await base001.evaluate(testContext({ fs }))).status, 'fail');
});

test('without an image the check says so', async () => {
  const result = await base001.evaluate(testContext());
  assert.equal(result.status, 'not-applicable');
});
