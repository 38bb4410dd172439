import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accountFiles, testContext, testFilesystem, testImage } from '../testing.ts';
import { run009 } from './run-009-arbitrary-uids.ts';

test('a volume group-owned by 0 with g+w passes; a directory tied to the runtime UID fails', async () => {
  const good = testFilesystem([
    ...accountFiles('app', 10001),
    { path: '/data', type: 'dir', mode: 0o775, uid: 10001, gid: 0 },
  ]);
  const image = testImage({ User: '10001', Volumes: { '/data': {} } });
  assert.equal((await run009.evaluate(testContext({ image, fs: good }))).status, 'pass');
  const bad = testFilesystem([
    ...accountFiles('app', 10001),
    { path: '/data', type: 'dir', mode: 0o700, uid: 10001, gid: 10001 },
  ]);
  const result = await run009.evaluate(testContext({ image, fs: bad }));
  assert.equal(result.status, 'fail');
  assert.ok(result.evidence?.some((e) => e.kind === 'file' && e.path === '/data' && e.message?.includes('0700')));
});

test('false-positive bait: files (not directories) owned by the UID and /proc entries are not judged', async () => {
  const fs = testFilesystem([
    { path: '/app/config.yaml', uid: 10001, gid: 10001, mode: 0o600 },
    { path: '/proc/x', type: 'dir', uid: 10001 },
  ]);
  assert.equal((await run009.evaluate(testContext({ image: testImage({ User: '10001' }), fs }))).status, 'pass');
});
