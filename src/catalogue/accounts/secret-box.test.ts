import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { CredentialsKey, loadCredentialsKey } from './secret-box.ts';

const raw = randomBytes(32);

test('a sealed secret opens only with its key and its context, and is fresh each time', () => {
  const key = new CredentialsKey(raw, 'test');
  const sealed = key.seal('hunter2-registry', 'org-a\nregistry.example');
  assert.doesNotMatch(sealed, /hunter2/);
  assert.match(sealed, new RegExp(`^v1:${key.id}:`));
  assert.notEqual(key.seal('hunter2-registry', 'org-a\nregistry.example'), sealed);
  assert.equal(key.open(sealed, 'org-a\nregistry.example'), 'hunter2-registry');
  assert.throws(() => key.open(sealed, 'org-b\nregistry.example'), /does not authenticate/);
  const other = new CredentialsKey(randomBytes(32), 'other');
  assert.throws(() => other.open(sealed, 'org-a\nregistry.example'), /sealed with key [0-9a-f]{8}, not with/);
  const parts = sealed.split(':');
  parts[3] = Buffer.from('tampered').toString('base64');
  assert.throws(() => key.open(parts.join(':'), 'org-a\nregistry.example'), /does not authenticate/);
});

test('the key never prints, as JSON or inspected', () => {
  const key = new CredentialsKey(raw, 'test');
  for (const text of [JSON.stringify({ key }), inspect(key), inspect({ nested: { key } })]) {
    assert.doesNotMatch(text, new RegExp(raw.toString('base64').slice(0, 12).replace(/[+/]/g, '.')));
    assert.match(text, new RegExp(`credentials key ${key.id}`));
  }
});

test('the key comes from SGCI_CREDENTIALS_KEY before a key file, and must be 32 bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-key-'));
  const file = join(dir, 'credentials.key');
  writeFileSync(file, `${raw.toString('base64')}\n`);
  assert.equal(loadCredentialsKey({ env: {}, file })?.id, new CredentialsKey(raw, 'x').id);
  const envKey = randomBytes(32);
  assert.equal(
    loadCredentialsKey({ env: { SGCI_CREDENTIALS_KEY: envKey.toString('base64') }, file })?.id,
    new CredentialsKey(envKey, 'x').id,
  );
  assert.equal(loadCredentialsKey({ env: {} }), undefined);
  assert.throws(
    () => loadCredentialsKey({ env: { SGCI_CREDENTIALS_KEY: 'c2hvcnQ=' } }),
    /SGCI_CREDENTIALS_KEY: expected 32 bytes/,
  );
  assert.throws(() => loadCredentialsKey({ env: {}, file: join(dir, 'missing') }), /missing: cannot read/);
});
