import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext, testFilesystem, testImage } from '../testing.ts';
import { build012, runtimeInstall, startScripts } from './build-012-runtime-dependencies-included.ts';

test('a Cmd that pip-installs fails; the entrypoint script is declared as a need and read', async () => {
  const image = testImage({
    Entrypoint: ['/docker-entrypoint.sh'],
    Cmd: ['sh', '-c', 'pip install -r req.txt && python app.py'],
  });
  assert.deepEqual(startScripts(image), ['/docker-entrypoint.sh']);
  assert.deepEqual(build012.needsFor?.(image).paths, ['/docker-entrypoint.sh']);
  const fs = testFilesystem([
    {
      path: '/docker-entrypoint.sh',
      mode: 0o755,
      content: '#!/bin/sh\ncurl -fsSL https://get.example | sh\nexec "$@"\n',
    },
  ]);
  const result = await build012.evaluate(testContext({ image, fs }));
  assert.equal(result.status, 'fail');
  assert.ok(result.evidence?.some((e) => e.kind === 'config' && e.field === 'Cmd'));
  assert.ok(result.evidence?.some((e) => e.kind === 'file' && e.message?.startsWith('line 2')));
});

test('false-positive bait: a comment, "npm start" and curl to a file do not count', async () => {
  for (const ok of ['npm start', 'curl -o /tmp/x https://a', 'python -m pip --version', 'apt-cache policy'])
    assert.equal(runtimeInstall.test(ok), false, ok);
  const image = testImage({ Entrypoint: ['/start.sh'], Cmd: ['node', 'server.js'] });
  const fs = testFilesystem([
    { path: '/start.sh', content: '#!/bin/sh\n# do not: apt-get install foo\nexec node server.js\n' },
  ]);
  assert.equal((await build012.evaluate(testContext({ image, fs }))).status, 'pass');
});

test('hostile start commands and script lines are matched in bounded time, and still found', () => {
  const MiB = 1024 * 1024;
  // Before the run-length alternatives looked back from their last literal, 256 KiB of the first two took 15 s
  // each, growing with the square of the length.
  for (const text of [
    'curl '.repeat(MiB / 5),
    'apt-get -'.repeat(MiB / 9),
    'apk -x '.repeat(MiB / 7),
    `apt-get${' '.repeat(MiB)}`,
    `curl${'|'.repeat(MiB)}`,
    `wget ${'a'.repeat(MiB)}`,
  ]) {
    const started = performance.now();
    assert.equal(runtimeInstall.test(text), false);
    const millis = performance.now() - started;
    assert.ok(millis < 2000, `${millis.toFixed(0)} ms for ${text.slice(0, 9)}… (1 MiB)`);
  }
  for (const hit of [
    'apt-get -y --no-install-recommends install curl',
    'apk --no-cache add git',
    'curl -fsSL https://get.example | bash',
    'wget -qO- https://x | sh',
  ])
    assert.equal(runtimeInstall.test(hit), true, hit);
});
