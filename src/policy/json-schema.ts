import { z } from 'zod';
import { PolicyFile } from './schema.ts';

export const policySchemaVersion = '1.1.0';

/**
 * The published JSON Schema of sgci-policy.yaml (schema/policy-<version>.json), generated from the zod schema.
 * 1.1.0 adds `thirdPartySecrets` and `unknownSeverity`; 1.0.0 stays published.
 */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(PolicyFile, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    $id: `https://sgci.example/schema/policy-${policySchemaVersion}.json`,
    title: 'sgci policy file (sgci-policy.yaml)',
  };
}
