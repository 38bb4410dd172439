import { createHash } from 'node:crypto';

/** Values shorter than this show no leading characters at all. */
const minLengthForPrefix = 16;
const maxPrefix = 4;

/**
 * A masked fingerprint of a secret value: `reveal` leading characters (at most four, only for values of 16+
 * characters, and only where the rule knows they are a public prefix such as `ghp_`, `AKIA` or the
 * `openssh-key-v1` header; passwords reveal nothing) and the first 12 hex digits of a domain-separated
 * SHA-256. The value itself is never returned. Note: for a low-entropy password the hash prefix still lets
 * someone holding a candidate confirm it, so reports stay confidential; the fingerprint is for correlation.
 */
export function fingerprint(value: string, reveal = 0): string {
  const hash = createHash('sha256').update('sgci-secret-v1\0').update(value, 'utf8').digest('hex').slice(0, 12);
  const prefix = value.length >= minLengthForPrefix ? value.slice(0, Math.min(reveal, maxPrefix)) : '';
  return `${prefix}…${hash}`;
}
