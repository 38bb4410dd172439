import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { SgciError } from '../../core/index.ts';
import { keyIdOf, type Signer, verifySignature } from '../keys/index.ts';

/** A DSSE envelope (github.com/secure-systems-lab/dsse): base64 payload, signatures over PAE(type, payload). */
export const DsseEnvelope = z.object({
  payloadType: z.string(),
  payload: z.string(),
  signatures: z.array(z.object({ keyid: z.string().optional(), sig: z.string() })).min(1),
});
export type DsseEnvelope = z.infer<typeof DsseEnvelope>;

/** Pre-authentication encoding: binds the payload type into what is signed. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, 'utf8');
  return Buffer.concat([head, payload]);
}

export async function signEnvelope(signer: Signer, payloadType: string, payload: Uint8Array): Promise<DsseEnvelope> {
  const signature = await signer.sign(pae(payloadType, payload));
  return {
    payloadType,
    payload: Buffer.from(payload).toString('base64'),
    // cosign writes an empty keyid for key-based attestations; we name the key so bundles can hint at it.
    signatures: [{ keyid: keyIdOf(signer.publicKey), sig: Buffer.from(signature).toString('base64') }],
  };
}

/**
 * The envelope as JSON bytes in one key order (payloadType, payload, signatures with keyid and sig): the bytes of
 * the `.att` layer, and the same bytes again for an envelope that went through a database that reorders keys.
 */
export function envelopeBytes(envelope: DsseEnvelope): Uint8Array {
  const json = {
    payloadType: envelope.payloadType,
    payload: envelope.payload,
    signatures: envelope.signatures.map((s) => ({ ...(s.keyid !== undefined ? { keyid: s.keyid } : {}), sig: s.sig })),
  };
  return new TextEncoder().encode(JSON.stringify(json));
}

export function parseEnvelope(bytes: Uint8Array, input: string): DsseEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SgciError('SIGNATURE_INVALID', input, 'DSSE envelope is not JSON', { cause: error });
  }
  const parsed = DsseEnvelope.safeParse(json);
  if (!parsed.success) throw new SgciError('SIGNATURE_INVALID', input, 'not a DSSE envelope');
  return parsed.data;
}

/** The payload bytes when any signature verifies under `key`; undefined otherwise. */
export function openEnvelope(envelope: DsseEnvelope, key: KeyObject): Uint8Array | undefined {
  const payload = Buffer.from(envelope.payload, 'base64');
  const message = pae(envelope.payloadType, payload);
  for (const { sig } of envelope.signatures) {
    if (verifySignature(key, message, Buffer.from(sig, 'base64'))) return payload;
  }
  return undefined;
}
