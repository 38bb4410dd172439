import type { KeyObject } from 'node:crypto';
import { compileRepositoryPattern } from './pattern.ts';

/** A public key the operator trusts, with the name it is reported under (file path or policy entry). */
export interface TrustedKey {
  readonly name: string;
  readonly key: KeyObject;
}

/** Keys trusted for the repositories matching `pattern` (`registry/path/*`, `**` for any depth). */
export interface TrustedKeyRule {
  readonly pattern: string;
  readonly keys: readonly TrustedKey[];
}

/** All keys of the rules whose pattern matches `registry/repository`, in rule order, without duplicates. */
export function keysForRepository(rules: readonly TrustedKeyRule[], repository: string): TrustedKey[] {
  const keys: TrustedKey[] = [];
  for (const rule of rules) {
    if (!compileRepositoryPattern(rule.pattern)(repository)) continue;
    for (const key of rule.keys) if (!keys.some((k) => k.key.equals(key.key))) keys.push(key);
  }
  return keys;
}
