import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { createLogger, silentLogger } from './logger.ts';

test('silent by default: no pino, nothing written', () => {
  const saved = process.env.SGCI_LOG_LEVEL;
  delete process.env.SGCI_LOG_LEVEL;
  try {
    assert.equal(createLogger(), silentLogger);
  } finally {
    if (saved !== undefined) process.env.SGCI_LOG_LEVEL = saved;
  }
});

test('SGCI_LOG_LEVEL=debug: JSON lines on stderr from pino, credentials redacted', () => {
  const script = `import { createLogger } from ${JSON.stringify(new URL('./logger.ts', import.meta.url).href)};
    const log = createLogger();
    log.debug({ registry: 'r.example', headers: { authorization: 'Bearer abc' } }, 'request');
    log.warn({ auth: { password: 'hunter2' } }, 'credentials');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, SGCI_LOG_LEVEL: 'debug' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.name]),
    [
      [20, 'request', 'sgci'],
      [40, 'credentials', 'sgci'],
    ],
  );
  assert.equal(lines[0].headers.authorization, '[redacted]');
  assert.equal(lines[1].auth.password, '[redacted]');
  assert.doesNotMatch(r.stderr, /hunter2|Bearer abc/);
});
