import { randomBytes } from 'node:crypto';

/** `sgci_whsec_` and 256 random bits: the prefix lets secret scanners and people recognise it. */
export function newWebhookSecret(): string {
  return `sgci_whsec_${randomBytes(32).toString('base64url')}`;
}
