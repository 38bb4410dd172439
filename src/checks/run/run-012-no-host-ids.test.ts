import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../policy/index.ts';
import { accountFiles, testContext, testFilesystem, testImage } from '../testing.ts';
import { run012 } from './run-012-no-host-ids.ts';

test('65532 with its own group passes; a numeric UID without passwd entry runs with GID 0 and fails', async () => {
  const fs = testFilesystem(accountFiles('nonroot', 65532));
  assert.equal((await run012.evaluate(testContext({ image: testImage({ User: '65532' }), fs }))).status, 'pass');
  const bare = testFilesystem([]);
  const result = await run012.evaluate(testContext({ image: testImage({ User: '70000' }), fs: bare }));
  assert.equal(result.status, 'fail');
  assert.match(result.evidence?.[0]?.message ?? '', /GID 0/);
});

test('the policy host range decides', async () => {
  const policy = parsePolicy('version: "1"\nhostUidRange: {min: 0, max: 99999}\n', 'p.yaml');
  const fs = testFilesystem(accountFiles('nonroot', 65532));
  assert.equal(
    (await run012.evaluate(testContext({ policy, image: testImage({ User: '65532' }), fs }))).status,
    'fail',
  );
});
