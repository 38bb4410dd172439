import { createHash, type KeyObject, sign, verify } from 'node:crypto';
import { SgciError } from '../../core/index.ts';

/**
 * Anything that can sign with a key the operator owns. The local implementation holds a decrypted
 * key in memory; a KMS or PKCS#11 signer implements the same two members and never exposes the key.
 */
export interface Signer {
  /** The public half, for writing `.pub` files, bundles and self-checks. */
  readonly publicKey: KeyObject;
  /** ECDSA P-256 over SHA-256 of `data`, ASN.1 DER encoded (what cosign and openssl dgst produce). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Only ECDSA P-256 is written: it is what cosign, Kyverno and the Sigstore clients all verify. */
export function requireP256(key: KeyObject, input: string): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || (curve !== 'prime256v1' && curve !== 'P-256')) {
    throw new SgciError(
      'KEY_INVALID',
      input,
      `signing needs an ECDSA P-256 key, got ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` ${curve}` : ''}`,
    );
  }
}

export class LocalSigner implements Signer {
  readonly publicKey: KeyObject;
  readonly #privateKey: KeyObject;

  constructor(privateKey: KeyObject, publicKey: KeyObject, input: string) {
    requireP256(privateKey, input);
    this.#privateKey = privateKey;
    this.publicKey = publicKey;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return sign('sha256', data, { key: this.#privateKey, dsaEncoding: 'der' });
  }
}

/**
 * Verifies a DER signature with a public key: ECDSA and RSA (PKCS#1 v1.5) over SHA-256, Ed25519 over
 * the message, as cosign does for key-based verification. Returns false on any malformed signature.
 */
export function verifySignature(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (publicKey.asymmetricKeyType === 'ed25519') return verify(null, data, publicKey, signature);
    return verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    // A signature that is not even DER is simply not valid; the caller names the reason.
    return false;
  }
}

/** A short stable key id: hex SHA-256 of the SPKI DER, as the Sigstore bundle `keyid` hint. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}
