import type { FileNeeds } from '../oci/types.ts';
import type { Check, CheckImage } from './check.ts';
import { checks as allChecks } from './registry.ts';

/** The files all checks read, merged and sorted: declared before the single pass over the layers. */
export function checkNeeds(image: CheckImage | undefined, checks: readonly Check[] = allChecks): FileNeeds {
  const paths = new Set<string>();
  const globs = new Set<string>();
  for (const check of checks) {
    const needs = [check.needs, image && check.needsFor ? check.needsFor(image) : undefined];
    for (const n of needs) {
      for (const p of n?.paths ?? []) paths.add(p);
      for (const g of n?.globs ?? []) globs.add(g);
    }
  }
  return { paths: [...paths].sort(), globs: [...globs].sort() };
}
