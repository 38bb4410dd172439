import { createHash } from 'node:crypto';

/** Values shorter than this show no leading characters at all: four characters of a short password are too much. */
const minLengthForPrefix = 16;

/**
 * A masked fingerprint of a secret value: a short prefix for long values (token prefixes such as `ghp_` or
 * `AKIA` are what a reader needs to recognise the kind) and the first 12 hex digits of a domain-separated
 * SHA-256. The value itself is never returned. Note: for a low-entropy password the hash prefix still lets
 * someone holding a candidate confirm it, so reports stay confidential; the fingerprint is for correlation.
 */
export function fingerprint(value: string): string {
  const hash = createHash('sha256').update('sgci-secret-v1\0').update(value, 'utf8').digest('hex').slice(0, 12);
  const prefix = value.length >= minLengthForPrefix ? value.slice(0, 4) : '';
  return `${prefix}…${hash}`;
}
