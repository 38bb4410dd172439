import { canonicalJson } from '../core/index.ts';
import type { Policy } from './schema.ts';

/**
 * The effective policy (the file merged over the built-in one) as the catalogue publishes it: canonical JSON, so
 * its sha256 is what a verdict's `policy.digest` names and what a consumer recomputes from the download. The
 * folder key paths resolve against is the server's own business and left out.
 */
export function policyDocument(policy: Policy): string {
  const { directory: _, ...published } = policy;
  return `${canonicalJson(published)}\n`;
}
