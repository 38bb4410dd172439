import type { CheckImage } from '../checks/index.ts';
import { formatPlatform } from '../oci/image/index.ts';
import type { Image } from '../oci/types.ts';

/** The facts of an opened image the checks read. */
export function checkImageOf(image: Image): CheckImage {
  return {
    reference: image.source.name,
    ...(image.digest ? { digest: image.digest } : {}),
    platform: formatPlatform(image.platform),
    config: image.config,
    manifestAnnotations: image.manifest?.annotations ?? {},
    layers: image.layers.map((l) => ({
      index: l.index,
      digest: l.digest,
      ...(l.createdBy ? { createdBy: l.createdBy } : {}),
    })),
  };
}
