import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testImage } from '../testing.ts';
import { build006 } from './build-006-build-instructions-public.ts';

const labels = (l: Record<string, string>) => testImage({ Labels: l });

test('source URL + revision pass; without revision warn; a non-URL source or none fails', async () => {
  const src = 'org.opencontainers.image.source';
  const rev = 'org.opencontainers.image.revision';
  assert.equal(
    (await build006.evaluate(testContext({ image: labels({ [src]: 'https://git.example/x', [rev]: 'abc' }) }))).status,
    'pass',
  );
  assert.equal(
    (await build006.evaluate(testContext({ image: labels({ [src]: 'https://git.example/x' }) }))).status,
    'warn',
  );
  assert.equal((await build006.evaluate(testContext({ image: labels({ [src]: 'see README' }) }))).status, 'fail');
  assert.equal((await build006.evaluate(testContext({ image: labels({}) }))).status, 'fail');
});

test('a manifest annotation counts like a label', async () => {
  const image = testImage(
    {},
    {
      annotations: {
        'org.opencontainers.image.source': 'git@git.example:x.git',
        'org.opencontainers.image.revision': '1',
      },
    },
  );
  assert.equal((await build006.evaluate(testContext({ image }))).status, 'pass');
});
