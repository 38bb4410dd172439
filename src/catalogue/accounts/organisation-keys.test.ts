import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { parseTrustedKey } from './organisation-keys.ts';

function pair(type: 'ec' | 'rsa' | 'ed25519', options: object = {}) {
  const { publicKey, privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return {
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

test('a public key is identified by the SHA-256 of its DER, whatever the PEM around it', () => {
  const { pub } = pair('ec', { namedCurve: 'P-256' });
  const key = parseTrustedKey(pub, 'release key');
  assert.match(key.id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(key.algorithm, 'ecdsa-p256');
  assert.equal(key.label, 'release key');
  assert.equal(parseTrustedKey(`comment before\n${pub.replaceAll('\n', '\r\n')}`, 'x').id, key.id);
  assert.equal(parseTrustedKey(pair('ed25519').pub, 'k').algorithm, 'ed25519');
  assert.equal(parseTrustedKey(pair('rsa', { modulusLength: 2048 }).pub, 'k').algorithm, 'rsa-2048');
});

test('private keys, weak keys, several blocks and junk are refused naming why', () => {
  const ec = pair('ec', { namedCurve: 'P-256' });
  assert.throws(() => parseTrustedKey(ec.priv, 'k'), /k: this is a private key/);
  assert.throws(() => parseTrustedKey(`${ec.pub}${ec.pub}`, 'k'), /exactly one -----BEGIN PUBLIC KEY-----/);
  assert.throws(() => parseTrustedKey(pair('rsa', { modulusLength: 1024 }).pub, 'k'), /1024 bits: at least 2048/);
  assert.throws(() => parseTrustedKey(pair('ec', { namedCurve: 'secp256k1' }).pub, 'k'), /curve secp256k1/);
  assert.throws(
    () => parseTrustedKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'k'),
    /unreadable public key/,
  );
});
