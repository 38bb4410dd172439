import type { CheckImage } from '../check.ts';

/** Config labels and manifest annotations together; labels win (they are what `docker inspect` shows). */
export function metadata(image: CheckImage): Record<string, string> {
  return { ...image.manifestAnnotations, ...(image.config.config?.Labels ?? {}) };
}
