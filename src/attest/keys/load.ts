import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, SgciError } from '../../core/index.ts';
import { decryptPrivateKey, encodePem, isEncryptedKeyLabel, parsePemBlocks } from './encrypted-key.ts';
import { LocalSigner, type Signer } from './signer.ts';

// Key files are tiny; a large file is a mistake (an image, a log) and not worth reading.
const maxKeyFileBytes = 64 * 1024;

export async function readKeyFile(path: string): Promise<string> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    throw new SgciError('KEY_INVALID', path, `cannot read key file: ${describe(error)}`, { cause: error });
  }
  if (data.length > maxKeyFileBytes) throw new SgciError('KEY_INVALID', path, 'key file larger than 64 KiB');
  return data.toString('utf8');
}

/** Asks for the password only when the key needs one. */
export type PasswordSource = () => Promise<string>;

/**
 * A private key from PEM text: cosign's encrypted format (needs the password), PKCS#8 `PRIVATE KEY`,
 * SEC1 `EC PRIVATE KEY` or encrypted PKCS#8 `ENCRYPTED PRIVATE KEY`.
 */
export async function parsePrivateKey(text: string, password: PasswordSource, input: string): Promise<KeyObject> {
  const blocks = parsePemBlocks(text, input);
  const block = blocks.find((b) => isEncryptedKeyLabel(b.label) || b.label.endsWith('PRIVATE KEY'));
  if (!block) {
    throw new SgciError('KEY_INVALID', input, `no private key block (found ${blocks.map((b) => b.label).join(', ')})`);
  }
  if (isEncryptedKeyLabel(block.label)) return decryptPrivateKey(block, await password(), input);
  try {
    if (block.label === 'ENCRYPTED PRIVATE KEY') {
      return createPrivateKey({ key: encodePem(block.label, block.der), format: 'pem', passphrase: await password() });
    }
    return createPrivateKey({ key: encodePem(block.label, block.der), format: 'pem' });
  } catch (error) {
    if (block.label === 'ENCRYPTED PRIVATE KEY' && /decrypt|bad/i.test(describe(error))) {
      throw new SgciError('PASSWORD_INVALID', input, 'wrong password for the private key', { cause: error });
    }
    throw new SgciError('KEY_INVALID', input, `unreadable ${block.label}: ${describe(error)}`, { cause: error });
  }
}

/** A public key from PEM text (`PUBLIC KEY` SPKI, or a certificate whose key is used). */
export function parsePublicKey(text: string, input: string): KeyObject {
  const blocks = parsePemBlocks(text, input);
  const block = blocks.find(
    (b) => b.label === 'PUBLIC KEY' || b.label === 'CERTIFICATE' || b.label === 'RSA PUBLIC KEY',
  );
  if (!block) {
    throw new SgciError('KEY_INVALID', input, `no public key block (found ${blocks.map((b) => b.label).join(', ')})`);
  }
  try {
    return createPublicKey({ key: encodePem(block.label, block.der), format: 'pem' });
  } catch (error) {
    throw new SgciError('KEY_INVALID', input, `unreadable ${block.label}: ${describe(error)}`, { cause: error });
  }
}

export async function loadPublicKey(path: string): Promise<KeyObject> {
  return parsePublicKey(await readKeyFile(path), path);
}

/** A signer for the key file at `path`. */
export async function loadSigner(path: string, password: PasswordSource): Promise<Signer> {
  const privateKey = await parsePrivateKey(await readKeyFile(path), password, path);
  return new LocalSigner(privateKey, createPublicKey(privateKey), path);
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}
