import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, SgciError } from '../../core/index.ts';

/**
 * The operator's key for secrets stored at rest (registry passwords): 32 bytes from `SGCI_CREDENTIALS_KEY` (base64)
 * or a key file, never from the database it protects. It prints as its id only, so a logged configuration does
 * not carry it.
 */
export class CredentialsKey {
  readonly #key: Buffer;
  /** The first 8 hex digits of the key's SHA-256: names the key a sealed value needs, reveals nothing of it. */
  readonly id: string;

  constructor(key: Buffer, source: string) {
    if (key.length !== 32)
      throw new SgciError('KEY_INVALID', source, `expected 32 bytes (base64), found ${key.length} bytes`);
    this.#key = Buffer.from(key);
    this.id = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** AES-256-GCM with a fresh 96-bit nonce; `context` (who the secret belongs to) is authenticated, not stored. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.id, iv.toString('base64'), body.toString('base64'), cipher.getAuthTag().toString('base64')].join(
      ':',
    );
  }

  /** Opens what `seal` wrote for the same context; a value of another key, row or a tampered one is refused. */
  open(sealed: string, context: string): string {
    const [version, id, iv, body, tag] = sealed.split(':');
    if (version !== 'v1' || !iv || body === undefined || !tag)
      throw new SgciError('KEY_INVALID', context, 'stored secret has an unknown format');
    if (id !== this.id)
      throw new SgciError('KEY_INVALID', context, `stored secret was sealed with key ${id}, not with ${this.id}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SgciError('KEY_INVALID', context, 'stored secret does not authenticate with this key', {
        cause: error,
      });
    }
  }

  toJSON(): string {
    return `[credentials key ${this.id}]`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

/**
 * The key from the environment (`SGCI_CREDENTIALS_KEY`, base64 of 32 bytes) or else from `file` (the same base64,
 * or 32 raw bytes); undefined when neither is set: the server then refuses to store credentials.
 */
export function loadCredentialsKey(options: { env?: NodeJS.ProcessEnv; file?: string }): CredentialsKey | undefined {
  const fromEnv = options.env?.SGCI_CREDENTIALS_KEY?.trim();
  if (fromEnv) return new CredentialsKey(Buffer.from(fromEnv, 'base64'), 'SGCI_CREDENTIALS_KEY');
  if (!options.file) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(options.file);
  } catch (error) {
    throw new SgciError('KEY_INVALID', options.file, `cannot read: ${describe(error)}`, { cause: error });
  }
  const text = bytes.toString('utf8').trim();
  return new CredentialsKey(
    bytes.length === 32 || !/^[A-Za-z0-9+/]+=*$/.test(text) ? bytes : Buffer.from(text, 'base64'),
    options.file,
  );
}
