import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { decryptPrivateKey, encryptPrivateKey, parsePemBlocks } from './encrypted-key.ts';
import { generateP256, writeKeyPair } from './generate.ts';
import { loadSigner, parsePrivateKey, publicKeyPem } from './load.ts';
import { verifySignature } from './signer.ts';

const testdata = join(import.meta.dirname, 'testdata');
const dir = await mkdtemp(join(tmpdir(), 'sgci-keys-'));
after(() => rm(dir, { recursive: true, force: true }));

test('decrypts the reference key made by OpenSSL + hashlib.scrypt + libsodium to its public key', async () => {
  const text = await readFile(join(testdata, 'reference.key'), 'utf8');
  const password = await readFile(join(testdata, 'reference.password'), 'utf8');
  const key = await parsePrivateKey(text, async () => password, 'reference.key');
  const expected = await readFile(join(testdata, 'reference.pub'), 'utf8');
  assert.equal(publicKeyPem(createPublicKey(key)), expected);
});

test('a wrong password is PASSWORD_INVALID naming the key file', async () => {
  const text = await readFile(join(testdata, 'reference.key'), 'utf8');
  await assert.rejects(
    parsePrivateKey(text, async () => 'not-the-password', 'reference.key'),
    (error) => {
      assert.ok(isSgciError(error, 'PASSWORD_INVALID'));
      assert.match(error.message, /^reference\.key: wrong password/);
      return true;
    },
  );
});

test('hostile scrypt parameters are refused before any work', async () => {
  const body = JSON.stringify({
    kdf: { name: 'scrypt', params: { N: 2 ** 24, r: 8, p: 1 }, salt: 'AA==' },
    cipher: { name: 'nacl/secretbox', nonce: Buffer.alloc(24).toString('base64') },
    ciphertext: 'AA==',
  });
  const block = { label: 'ENCRYPTED SIGSTORE PRIVATE KEY', der: Buffer.from(body) };
  await assert.rejects(decryptPrivateKey(block, 'x', 'big.key'), (e) => isSgciError(e, 'KEY_INVALID'));
});

test('encrypt then decrypt gives back the same key; the format is the cosign JSON', async () => {
  const { privateKey, publicKey } = generateP256();
  const pem = await encryptPrivateKey(privateKey, 'pw', { N: 1024, r: 8, p: 1 });
  const [block] = parsePemBlocks(pem, 'x');
  assert.equal(block?.label, 'ENCRYPTED SIGSTORE PRIVATE KEY');
  const doc = JSON.parse(block!.der.toString()) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(doc), ['kdf', 'cipher', 'ciphertext']);
  assert.equal(doc.cipher?.name, 'nacl/secretbox');
  const back = await decryptPrivateKey(block!, 'pw', 'x');
  assert.equal(publicKeyPem(createPublicKey(back)), publicKeyPem(publicKey));
});

test('writeKeyPair writes a 0600 key and a PEM public key, and refuses to overwrite without force', async () => {
  const prefix = join(dir, 'cosign');
  const { privateKey, publicKey } = generateP256();
  const files = await writeKeyPair(prefix, privateKey, publicKey, 'secret');
  assert.equal((await stat(files.privateKeyPath)).mode & 0o777, 0o600);
  assert.match(await readFile(files.publicKeyPath, 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
  const before = await readFile(files.privateKeyPath, 'utf8');
  await assert.rejects(writeKeyPair(prefix, privateKey, publicKey, 'secret'), /file exists; use --force/);
  assert.equal(await readFile(files.privateKeyPath, 'utf8'), before);
  await writeKeyPair(prefix, privateKey, publicKey, 'other', { force: true });
  assert.notEqual(await readFile(files.privateKeyPath, 'utf8'), before);
  const signer = await loadSigner(files.privateKeyPath, async () => 'other');
  const data = new TextEncoder().encode('payload');
  assert.ok(verifySignature(publicKey, data, await signer.sign(data)));
});

test('imports PKCS#8 and SEC1 PEM keys; refuses RSA for signing', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  for (const type of ['pkcs8', 'sec1'] as const) {
    const path = join(dir, `${type}.pem`);
    await writeFile(path, privateKey.export({ type, format: 'pem' }));
    const signer = await loadSigner(path, async () => assert.fail('no password needed'));
    assert.equal(publicKeyPem(signer.publicKey), publicKeyPem(createPublicKey(privateKey)));
  }
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const rsaPath = join(dir, 'rsa.pem');
  await writeFile(rsaPath, rsa.export({ type: 'pkcs8', format: 'pem' }));
  await assert.rejects(
    loadSigner(rsaPath, async () => ''),
    /signing needs an ECDSA P-256 key, got rsa/,
  );
});
