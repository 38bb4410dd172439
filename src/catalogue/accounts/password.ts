import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { SgciError } from '../../core/index.ts';

/** scrypt's cost: N = 2^ln, block size r, parallelism p. */
export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/**
 * N = 2^15, r = 8 (32 MiB per hash): 86 ms median on this project's 2-core machine (84–88 ms at load 1.5, up to
 * ~250 ms while other test suites share the cores); 2^14 took 32 ms. Raising it makes every stored hash with the
 * old parameters be rehashed at its next login.
 */
export const currentScryptParams: ScryptParams = { ln: 15, r: 8, p: 1 };

export const minPasswordLength = 12;
/** scrypt reads the whole password; a megabyte of it would be a cheap way to make the server work. */
export const maxPasswordLength = 1024;

const keyLength = 32;
const saltLength = 16;
const encoded = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      keyLength,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r * params.p },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

/** Refuses a password shorter than 12 characters (or absurdly long) with one line naming the rule. */
export function checkPasswordRules(password: string): void {
  if ([...password].length < minPasswordLength)
    throw new SgciError('PASSWORD_INVALID', 'password', `must have at least ${minPasswordLength} characters`);
  if (password.length > maxPasswordLength)
    throw new SgciError('PASSWORD_INVALID', 'password', `must have at most ${maxPasswordLength} characters`);
}

/**
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (PHC string format, unpadded base64): the parameters travel with the hash,
 * so they can be raised without locking anyone out.
 */
export async function hashPassword(password: string, params: ScryptParams = currentScryptParams): Promise<string> {
  checkPasswordRules(password);
  const salt = randomBytes(saltLength);
  const hash = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

export interface PasswordCheck {
  readonly ok: boolean;
  /** The password was right but hashed with other parameters than today's: store `hashPassword(password)`. */
  readonly rehash: boolean;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  const m = encoded.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // bounds against a tampered row making one login cost gigabytes
  if (params.ln < 10 || params.ln > 20 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16)
    return undefined;
  return { params, salt: Buffer.from(m[4] ?? '', 'base64'), hash: Buffer.from(m[5] ?? '', 'base64') };
}

/** A hash of a random password with today's parameters: verified against when the login is unknown. */
let decoy: Promise<string> | undefined;

/**
 * Checks `password` against a stored hash in constant time. `stored` undefined (an unknown login, or a user
 * without a password) still costs one hash with today's parameters, so timing does not tell which logins exist.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<PasswordCheck> {
  const parsed = stored ? parse(stored) : undefined;
  if (!parsed || password.length > maxPasswordLength) {
    decoy ??= hashPassword(randomBytes(24).toString('base64'));
    const fake = parse(await decoy);
    if (fake) await derive(password.slice(0, maxPasswordLength), fake.salt, fake.params);
    return { ok: false, rehash: false };
  }
  const actual = await derive(password, parsed.salt, parsed.params);
  const ok = actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
  const p = currentScryptParams;
  const current = parsed.params.ln === p.ln && parsed.params.r === p.r && parsed.params.p === p.p;
  return { ok, rehash: ok && !current };
}
