import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** How old a delivery a receiver should accept; the documented verification uses it. */
export const webhookToleranceSeconds = 300;

/** `sgci_whsec_` and 256 random bits: the prefix lets secret scanners and people recognise it. */
export function newWebhookSecret(): string {
  return `sgci_whsec_${randomBytes(32).toString('base64url')}`;
}

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * A receiver's check: the signature matches (compared in constant time) and the timestamp lies within
 * `toleranceSeconds` of `now`. sgci's own tests receive with it.
 */
export function verifyWebhookSignature(options: {
  readonly secret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly body: string;
  readonly now: Date;
  readonly toleranceSeconds?: number;
}): boolean {
  const { secret, timestamp, signature, body, now } = options;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return false;
  const age = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
  if (age > (options.toleranceSeconds ?? webhookToleranceSeconds)) return false;
  const expected = Buffer.from(webhookSignature(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
