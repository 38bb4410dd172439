import { z } from 'zod';
import { type Digest, isDigest, SgciError } from '../../core/index.ts';
import { cosign } from '../media-types/index.ts';

/**
 * cosign's "simple signing" payload: what an image signature actually signs. Field order follows
 * cosign's Go structs so the bytes look like cosign's; verification never depends on the order.
 */
export function simpleSigningPayload(
  dockerReference: string,
  digest: Digest,
  optional?: Readonly<Record<string, unknown>>,
): Uint8Array {
  const payload = {
    critical: {
      identity: { 'docker-reference': dockerReference },
      image: { 'docker-manifest-digest': digest },
      type: cosign.simpleSigningType,
    },
    optional: optional && Object.keys(optional).length > 0 ? sortKeys(optional) : null,
  };
  return new TextEncoder().encode(JSON.stringify(payload));
}

function sortKeys(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const SimpleSigningPayload = z.object({
  critical: z.object({
    identity: z.object({ 'docker-reference': z.string() }),
    image: z.object({ 'docker-manifest-digest': z.string() }),
    type: z.string(),
  }),
  optional: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type SimpleSigningPayload = z.infer<typeof SimpleSigningPayload>;

/** Parses a signed payload; only call after its signature verified. */
export function parseSimpleSigningPayload(bytes: Uint8Array, input: string): SimpleSigningPayload {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new SgciError('SIGNATURE_INVALID', input, 'signed payload is not JSON', { cause: error });
  }
  const parsed = SimpleSigningPayload.safeParse(json);
  if (!parsed.success)
    throw new SgciError('SIGNATURE_INVALID', input, 'signed payload is not a simple-signing payload');
  if (parsed.data.critical.type !== cosign.simpleSigningType) {
    throw new SgciError(
      'SIGNATURE_INVALID',
      input,
      `unexpected payload type ${JSON.stringify(parsed.data.critical.type)}`,
    );
  }
  if (!isDigest(parsed.data.critical.image['docker-manifest-digest'])) {
    throw new SgciError('SIGNATURE_INVALID', input, 'signed docker-manifest-digest is not a digest');
  }
  return parsed.data;
}
