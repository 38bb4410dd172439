/**
 * The first link of the chain of trust: InRelease's OpenPGP cleartext signature, verified with openpgp.js
 * against pinned public keys at the snapshot time. Only the signed text is returned; nothing outside the
 * signed block is ever read.
 */
import { readFile } from 'node:fs/promises';
import type { Key } from 'openpgp';
import { describe, SgciError } from '../../core/index.ts';

/** A key file (armored or binary OpenPGP) and the fingerprint its primary key must have. */
export interface PinnedKey {
  readonly file: string;
  readonly fingerprint: string;
}

export interface VerifiedInRelease {
  /** The signed text: the Release. */
  readonly text: string;
  /** Fingerprint of the pinned primary key whose (sub)key made the signature. */
  readonly signer: string;
  /** Fingerprint of the (sub)key that made the signature. */
  readonly signingKey: string;
}

/** Fingerprints are compared as 40 (v4) or 64 (v6) lower-case hex digits, spaces dropped. */
export function normalizeFingerprint(value: string, input: string): string {
  const hex = value.replace(/\s+/g, '').toLowerCase();
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(hex)) {
    throw new SgciError('KEY_INVALID', input, `not an OpenPGP fingerprint: ${JSON.stringify(value)}`);
  }
  return hex;
}

/** Reads each key file and keeps the one key whose primary fingerprint was pinned; any other is refused. */
export async function loadPinnedKeys(pinned: readonly PinnedKey[]): Promise<Key[]> {
  const openpgp = await import('openpgp');
  const keys: Key[] = [];
  for (const { file, fingerprint } of pinned) {
    const expected = normalizeFingerprint(fingerprint, file);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new SgciError('KEY_INVALID', file, `cannot read the key file: ${describe(error)}`, { cause: error });
    }
    let found: Key[];
    try {
      const text = bytes.toString('latin1');
      found = text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')
        ? await openpgp.readKeys({ armoredKeys: text })
        : await openpgp.readKeys({ binaryKeys: bytes });
    } catch (error) {
      throw new SgciError('KEY_INVALID', file, `not an OpenPGP public key: ${describe(error)}`, { cause: error });
    }
    const key = found.find((k) => k.getFingerprint() === expected);
    if (!key) {
      const has = found.map((k) => k.getFingerprint()).join(', ');
      throw new SgciError('KEY_INVALID', file, `holds no key with the fingerprint ${expected} (it holds ${has})`);
    }
    if (key.isPrivate()) throw new SgciError('KEY_INVALID', file, 'is a private key: pin the public key');
    keys.push(key);
  }
  return keys;
}

const begin = '-----BEGIN PGP SIGNED MESSAGE-----';
const end = /-----END PGP SIGNATURE-----\r?\n?$/;

/**
 * Verifies InRelease at `at` against `keys`; at least one signature must be valid and made by an allowed
 * signer (a pinned primary fingerprint or a signing subkey's). Text around the signed block is refused, as
 * apt refuses it: a parser that skipped it would read what no one signed.
 */
export async function verifyInRelease(
  bytes: Uint8Array,
  input: string,
  keys: readonly Key[],
  allowedSigners: ReadonlySet<string>,
  at: Date,
): Promise<VerifiedInRelease> {
  const openpgp = await import('openpgp');
  const armored = Buffer.from(bytes).toString('utf8');
  if (!armored.startsWith(begin) || !end.test(armored)) {
    throw new SgciError('SIGNATURE_INVALID', input, 'InRelease is not exactly one OpenPGP cleartext-signed message');
  }
  let result: Awaited<ReturnType<typeof openpgp.verify>>;
  try {
    const message = await openpgp.readCleartextMessage({ cleartextMessage: armored });
    result = await openpgp.verify({ message, verificationKeys: [...keys], date: at });
  } catch (error) {
    throw new SgciError('SIGNATURE_INVALID', input, `InRelease signature unreadable: ${describe(error)}`, {
      cause: error,
    });
  }
  const problems: string[] = [];
  for (const signature of result.signatures) {
    const keyId = signature.keyID.toHex();
    const key = keys.find((k) => k.getKeys(signature.keyID).length > 0);
    if (!key) {
      problems.push(`signed by unknown key ${keyId}`);
      continue;
    }
    const signingKey = key.getKeys(signature.keyID)[0]?.getFingerprint() ?? keyId;
    const signer = key.getFingerprint();
    if (!allowedSigners.has(signer) && !allowedSigners.has(signingKey)) {
      problems.push(`signed by ${signer}, which is not an allowed signer`);
      continue;
    }
    try {
      await signature.verified;
    } catch (error) {
      problems.push(`signature by ${signingKey} invalid at ${at.toISOString()}: ${describe(error)}`);
      continue;
    }
    return { text: result.data as string, signer, signingKey };
  }
  const why = problems.length > 0 ? problems.join('; ') : 'no signature';
  throw new SgciError('SIGNATURE_INVALID', input, `InRelease signature not trusted: ${why}`);
}
