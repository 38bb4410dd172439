import { createPrivateKey, type KeyObject, randomBytes, scrypt } from 'node:crypto';
import { z } from 'zod';
import { SgciError } from '../../core/index.ts';
import { secretboxOpen, secretboxSeal } from './secretbox.ts';

/**
 * cosign's encrypted private key (go-securesystemslib `encrypted`): PEM `ENCRYPTED SIGSTORE PRIVATE KEY`
 * around base64 JSON `{kdf: scrypt, cipher: nacl/secretbox, ciphertext}`; the plaintext is PKCS#8 DER.
 * Older cosign wrote the label `ENCRYPTED COSIGN PRIVATE KEY`; both are read, the new one is written.
 */
export const encryptedKeyLabel = 'ENCRYPTED SIGSTORE PRIVATE KEY';
const legacyLabel = 'ENCRYPTED COSIGN PRIVATE KEY';

/** cosign's defaults for new keys. */
export const defaultScryptParams = Object.freeze({ N: 32768, r: 8, p: 1 });

// A hostile key file must not make us allocate unbounded memory: scrypt needs 128*N*r bytes.
const maxScryptMemory = 256 * 1024 * 1024;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
const EncryptedKeyDocument = z.object({
  kdf: z.object({
    name: z.literal('scrypt'),
    params: z.object({
      N: z.number().int().min(2),
      r: z.number().int().min(1).max(64),
      p: z.number().int().min(1).max(16),
    }),
    salt: base64,
  }),
  cipher: z.object({ name: z.literal('nacl/secretbox'), nonce: base64 }),
  ciphertext: base64,
});
type EncryptedKeyDocument = z.infer<typeof EncryptedKeyDocument>;

export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

/** The PEM blocks of `text`, in order. Headers inside blocks (RFC 1421 style) are not supported. */
export function parsePemBlocks(text: string, input: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]*?)-----END \1-----/g;
  for (const match of text.matchAll(pattern)) {
    blocks.push({ label: match[1]!, der: Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64') });
  }
  if (blocks.length === 0) throw new SgciError('KEY_INVALID', input, 'no PEM block found');
  return blocks;
}

export function encodePem(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function isEncryptedKeyLabel(label: string): boolean {
  return label === encryptedKeyLabel || label === legacyLabel;
}

function deriveKey(password: string, salt: Uint8Array, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const memory = 128 * params.N * params.r * params.p + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(password, 'utf8'), salt, 32, { ...params, maxmem: memory }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Encrypts a private key into cosign's PEM format with a fresh salt and nonce. */
export async function encryptPrivateKey(
  key: KeyObject,
  password: string,
  params: { N: number; r: number; p: number } = defaultScryptParams,
): Promise<string> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const derived = await deriveKey(password, salt, params);
  const ciphertext = secretboxSeal(der, nonce, derived);
  derived.fill(0);
  der.fill(0);
  const document: EncryptedKeyDocument = {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  };
  return encodePem(encryptedKeyLabel, Buffer.from(JSON.stringify(document), 'utf8'));
}

/**
 * Decrypts the DER body of an encrypted key block. Throws PASSWORD_INVALID when the box does not
 * authenticate (wrong password or a modified file: secretbox cannot tell the two apart), KEY_INVALID otherwise.
 */
export async function decryptPrivateKey(block: PemBlock, password: string, input: string): Promise<KeyObject> {
  let json: unknown;
  try {
    json = JSON.parse(block.der.toString('utf8'));
  } catch (error) {
    throw new SgciError('KEY_INVALID', input, 'encrypted key body is not JSON', { cause: error });
  }
  const parsed = EncryptedKeyDocument.safeParse(json);
  if (!parsed.success) {
    throw new SgciError(
      'KEY_INVALID',
      input,
      `unsupported encrypted key: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    );
  }
  const { kdf, cipher, ciphertext } = parsed.data;
  const { N, r, p } = kdf.params;
  if ((N & (N - 1)) !== 0 || 128 * N * r * p > maxScryptMemory) {
    throw new SgciError('KEY_INVALID', input, `scrypt parameters out of bounds (N=${N}, r=${r}, p=${p})`);
  }
  const nonce = Buffer.from(cipher.nonce, 'base64');
  if (nonce.length !== 24)
    throw new SgciError('KEY_INVALID', input, `secretbox nonce has ${nonce.length} bytes, not 24`);
  const derived = await deriveKey(password, Buffer.from(kdf.salt, 'base64'), kdf.params);
  const plain = secretboxOpen(Buffer.from(ciphertext, 'base64'), nonce, derived);
  derived.fill(0);
  if (!plain) {
    throw new SgciError('PASSWORD_INVALID', input, 'wrong password for the private key (or the key file was altered)');
  }
  try {
    return createPrivateKey({ key: Buffer.from(plain), format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new SgciError('KEY_INVALID', input, 'decrypted key is not PKCS#8', { cause: error });
  } finally {
    plain.fill(0);
  }
}
