import { createHmac } from 'node:crypto';

/**
 * How a webhook delivery is signed, as receivers verify it (docs/server-webhooks.md shows the same in a few lines):
 * `X-Sgci-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>`, the key being the secret's
 * UTF-8 bytes, and `X-Sgci-Timestamp` the Unix time in seconds when the attempt was made. The timestamp is
 * signed with the body, so a captured delivery replayed later fails the receiver's freshness check. The catalogue's
 * webhooks and the monitor's notifications both sign this way, so one receiver verifies both.
 */
export const webhookHeaders = {
  event: 'x-sgci-event',
  delivery: 'x-sgci-delivery',
  timestamp: 'x-sgci-timestamp',
  signature: 'x-sgci-signature',
} as const;

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
