import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testFilesystem } from '../testing.ts';
import { run014 } from './run-014-logs-to-stdout.ts';

test('nginx-style links to /dev/stdout pass; a non-empty log file warns; none is manual', async () => {
  const linked = testFilesystem([
    { path: '/var/log/nginx/access.log', type: 'symlink', linkTarget: '/dev/stdout' },
    { path: '/var/log/nginx/error.log', type: 'symlink', linkTarget: '/dev/stderr' },
  ]);
  assert.equal((await run014.evaluate(testContext({ fs: linked }))).status, 'pass');
  const file = testFilesystem([{ path: '/app/logs/app.log', content: 'started\n' }]);
  assert.equal((await run014.evaluate(testContext({ fs: file }))).status, 'warn');
  const none = testFilesystem([{ path: '/var/log', type: 'dir' }, { path: '/var/log/apt/eipp.log.xz' }]);
  assert.equal((await run014.evaluate(testContext({ fs: none }))).status, 'manual');
});
