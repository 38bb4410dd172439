import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentScryptParams, hashPassword, verifyPassword } from './password.ts';

const password = 'correct horse battery staple';

test('a hash names its algorithm and parameters and verifies only its own password', async () => {
  const stored = await hashPassword(password);
  assert.match(stored, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.notEqual(await hashPassword(password), stored, 'a fresh salt each time');
  assert.deepEqual(await verifyPassword(password, stored), { ok: true, rehash: false });
  assert.deepEqual(await verifyPassword(`${password}!`, stored), { ok: false, rehash: false });
  assert.deepEqual(await verifyPassword(password.normalize('NFD'), stored), { ok: true, rehash: false });
});

test('a hash with other parameters still verifies and asks to be rehashed', async () => {
  const old = await hashPassword(password, { ln: 14, r: 8, p: 1 });
  assert.match(old, /^\$scrypt\$ln=14,/);
  assert.deepEqual(await verifyPassword(password, old), { ok: true, rehash: true });
  assert.deepEqual(await verifyPassword('wrong password!!', old), { ok: false, rehash: false });
});

test('passwords under 12 characters are refused, counted in characters, not bytes', async () => {
  await assert.rejects(hashPassword('elevenchars'), /password: must have at least 12 characters/);
  await assert.rejects(hashPassword('ääääääääääö'), /at least 12 characters/);
  assert.match(await hashPassword('twelve chars'), /^\$scrypt\$/);
});

test('no stored hash, a malformed one or absurd parameters never verify', async () => {
  for (const stored of [
    undefined,
    null,
    '',
    'plain',
    '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  ])
    assert.deepEqual(await verifyPassword(password, stored), { ok: false, rehash: false });
});

test('one hash costs at least 50 ms with today’s parameters (measured, not slept)', async (t) => {
  const stored = await hashPassword(password);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await verifyPassword(password, stored);
    times.push(performance.now() - started);
  }
  const median = times.sort((a, b) => a - b)[2] ?? 0;
  t.diagnostic(`scrypt ln=${currentScryptParams.ln} r=${currentScryptParams.r}: median ${median.toFixed(0)} ms`);
  // the lower bound is the point: a cheaper hash would make offline guessing cheap
  assert.ok(median >= 50, `median ${median} ms`);
});
