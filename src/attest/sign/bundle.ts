import { createRequire } from 'node:module';
import { describe, SgciError } from '../../core/index.ts';
import { cosign } from '../media-types/index.ts';
import { type DsseEnvelope, DsseEnvelope as DsseEnvelopeSchema } from './dsse.ts';

/** @sigstore/bundle on first use: `scan` and `check` load this module but sign or read bundles only for registries. */
function sigstoreBundle(): typeof import('@sigstore/bundle') {
  return createRequire(import.meta.url)('@sigstore/bundle') as typeof import('@sigstore/bundle');
}

/**
 * A Sigstore bundle v0.3 for a key the operator owns: the public key is named by its hint, there is no
 * certificate, no transparency-log entry and no timestamp; sovereign operators verify with their key
 * alone. @sigstore/verify accepts it with thresholds of zero (see the tests).
 */
export function keyBundle(envelope: DsseEnvelope, keyHint: string): Uint8Array {
  const json = {
    mediaType: cosign.bundleArtifactType,
    verificationMaterial: {
      publicKey: { hint: keyHint },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payload: envelope.payload,
      payloadType: envelope.payloadType,
      signatures: envelope.signatures.map((s) => ({ sig: s.sig, keyid: s.keyid ?? '' })),
    },
  };
  // Round-trip through @sigstore/bundle so we never write a bundle its own validator rejects.
  const { bundleFromJSON, bundleToJSON } = sigstoreBundle();
  return new TextEncoder().encode(JSON.stringify(bundleToJSON(bundleFromJSON(json))));
}

export interface ParsedBundle {
  readonly mediaType: string;
  /** True when signed with a (Fulcio) certificate rather than a key. */
  readonly certificate: boolean;
  readonly dsseEnvelope?: DsseEnvelope;
}

export function parseBundle(bytes: Uint8Array, input: string): ParsedBundle {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SgciError('SIGNATURE_INVALID', input, 'bundle is not JSON', { cause: error });
  }
  try {
    const { bundleFromJSON, bundleToJSON } = sigstoreBundle();
    const bundle = bundleToJSON(bundleFromJSON(json));
    const envelope = bundle.dsseEnvelope ? DsseEnvelopeSchema.safeParse(bundle.dsseEnvelope) : undefined;
    const material = bundle.verificationMaterial;
    const certificate = Boolean(material.certificate ?? material.x509CertificateChain);
    return { mediaType: bundle.mediaType, certificate, ...(envelope?.success ? { dsseEnvelope: envelope.data } : {}) };
  } catch (error) {
    throw new SgciError('SIGNATURE_INVALID', input, `not a Sigstore bundle: ${describe(error)}`, { cause: error });
  }
}
