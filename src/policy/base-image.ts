import { imagePatternMatches, normalizeImageName } from './image-name.ts';
import type { Policy } from './schema.ts';

export type BaseImageCategory = 'preferred' | 'allowed' | 'restricted' | 'forbidden';

/** The seed table: which category a base image falls in; unknown/unofficial images are forbidden. */
export function classifyBaseImage(
  name: string,
  policy: Pick<Policy, 'baseImages'>,
): { category: BaseImageCategory; pattern?: string; normalized: string } {
  if (name.trim() === 'scratch') return { category: 'preferred', pattern: 'scratch', normalized: 'scratch' };
  const normalized = normalizeImageName(name).normalized;
  const withoutDigest = normalized.split('@')[0] ?? normalized;
  for (const category of ['preferred', 'allowed', 'restricted'] as const) {
    for (const pattern of policy.baseImages[category]) {
      if (imagePatternMatches(pattern, normalized) || imagePatternMatches(pattern, withoutDigest)) {
        return { category, pattern, normalized };
      }
    }
  }
  return { category: 'forbidden', normalized };
}
