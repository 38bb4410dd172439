import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, digestOf, SgciError } from '../core/index.ts';
import { defaultPolicy } from './default.ts';
import { type Policy, PolicyFile } from './schema.ts';

const maxPolicyBytes = 1024 * 1024;

/** Parses policy YAML/JSON text and merges it over the built-in default; POLICY_INVALID names the field. */
export function parsePolicy(text: string, input: string): Policy {
  if (text.length > maxPolicyBytes) throw new SgciError('POLICY_INVALID', input, 'policy file larger than 1 MiB');
  // yaml is only needed with --policy (the default policy is built in): loaded here, not at every CLI start.
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SgciError('POLICY_INVALID', input, `not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new SgciError('POLICY_INVALID', input, describe(error), { cause: error });
  }
  const parsed = PolicyFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new SgciError('POLICY_INVALID', input, `${where}: ${issue?.message ?? 'invalid'}`);
  }
  const file = parsed.data;
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
