import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, digestOf, parseYamlFile, requireOnFirstUse, SgciError } from '../core/index.ts';
import { defaultPolicy } from './builtin/index.ts';
import type { Policy } from './schema.ts';

const maxPolicyBytes = 1024 * 1024;

/**
 * The policy file's zod schema, loaded with the first policy file parsed: a scan on the built-in policy loads no
 * zod (about 0.04 s of a CLI run's start-up, issue 17).
 */
const policySchema = requireOnFirstUse<typeof import('./schema.ts')>(import.meta.url, './schema.ts');

/** Parses policy YAML/JSON text and merges it over the built-in default; POLICY_INVALID names the field. */
export function parsePolicy(text: string, input: string): Policy {
  if (text.length > maxPolicyBytes) throw new SgciError('POLICY_INVALID', input, 'policy file larger than 1 MiB');
  // yaml is only needed with --policy (the default policy is built in): parseYamlFile loads it on first use.
  const file = parseYamlFile(text, input, 'POLICY_INVALID', policySchema().PolicyFile);
  if (file.hostUidRange && file.hostUidRange.min > file.hostUidRange.max) {
    throw new SgciError('POLICY_INVALID', input, 'hostUidRange: min is larger than max');
  }
  return Object.freeze({
    name: input,
    digest: digestOf(text),
    baseImages: { ...defaultPolicy.baseImages, ...file.baseImages },
    trustedRegistries: file.trustedRegistries ?? defaultPolicy.trustedRegistries,
    trustedKeys: file.trustedKeys ?? defaultPolicy.trustedKeys,
    directory: dirname(input),
    maxImageAgeDays: file.maxImageAgeDays ?? defaultPolicy.maxImageAgeDays,
    baseImageGraceDays: file.baseImageGraceDays ?? defaultPolicy.baseImageGraceDays,
    sla: { ...defaultPolicy.sla, ...file.sla },
    hostUidRange: file.hostUidRange ?? defaultPolicy.hostUidRange,
    checks: { ...file.checks },
    exceptions: file.exceptions ?? [],
    thirdPartySecrets: file.thirdPartySecrets ?? defaultPolicy.thirdPartySecrets,
    unknownSeverity: file.unknownSeverity ?? defaultPolicy.unknownSeverity,
  });
}

export async function loadPolicy(path: string | undefined): Promise<Policy> {
  if (path === undefined) return defaultPolicy;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SgciError('POLICY_INVALID', path, `cannot read policy file: ${describe(error)}`, { cause: error });
  }
  return parsePolicy(text, path);
}
