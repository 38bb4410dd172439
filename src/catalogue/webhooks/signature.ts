import { createHmac, randomBytes } from 'node:crypto';

/**
 * How a delivery is signed, as receivers verify it (docs/server-webhooks.md shows the same in a few lines):
 * `X-Sgci-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>`, the key being the secret's
 * UTF-8 bytes, and `X-Sgci-Timestamp` the Unix time in seconds when the attempt was made. The timestamp is
 * signed with the body, so a captured delivery replayed later fails the receiver's freshness check.
 */
export const webhookHeaders = {
  event: 'x-sgci-event',
  delivery: 'x-sgci-delivery',
  timestamp: 'x-sgci-timestamp',
  signature: 'x-sgci-signature',
} as const;

/** `sgci_whsec_` and 256 random bits: the prefix lets secret scanners and people recognise it. */
export function newWebhookSecret(): string {
  return `sgci_whsec_${randomBytes(32).toString('base64url')}`;
}

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
