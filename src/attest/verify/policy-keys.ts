import { isAbsolute, resolve } from 'node:path';
import { loadPublicKey, parsePublicKey } from '../keys/index.ts';
import type { TrustedKey, TrustedKeyRule } from './trusted-keys.ts';

/**
 * One `trustedKeys` entry of the policy file: a PEM path (or inline PEM) trusted for every repository,
 * or `{ key, repositories }` trusted only for repositories matching one of the patterns
 * (`registry.example.de/team/*`, `registry.example.de/**`).
 */
export type PolicyTrustedKey = string | { readonly key: string; readonly repositories?: readonly string[] };

/** Loads the policy's trusted keys into rules; relative paths are relative to the policy file's folder. */
export async function trustedKeyRulesFromPolicy(
  entries: readonly PolicyTrustedKey[],
  policyDir: string,
): Promise<TrustedKeyRule[]> {
  const rules: TrustedKeyRule[] = [];
  for (const entry of entries) {
    const source = typeof entry === 'string' ? entry : entry.key;
    const patterns = typeof entry === 'string' ? ['**'] : (entry.repositories ?? ['**']);
    const key = await loadTrustedKey(source, policyDir);
    for (const pattern of patterns) rules.push({ pattern, keys: [key] });
  }
  return rules;
}

async function loadTrustedKey(source: string, policyDir: string): Promise<TrustedKey> {
  if (source.trimStart().startsWith('-----BEGIN')) {
    // Inline PEM (e.g. from a CI variable): named by a short prefix of its base64, never by a path.
    const key = parsePublicKey(source, 'policy trustedKeys (inline PEM)');
    const der = key.export({ type: 'spki', format: 'der' }).toString('base64');
    return { name: `inline:${der.slice(-16)}`, key };
  }
  const path = isAbsolute(source) ? source : resolve(policyDir, source);
  return { name: source, key: await loadPublicKey(path) };
}
