import type { Digest } from '../../core/index.ts';
import type { Image, ImageSourceDescription, LayerInfo } from '../types.ts';
import { formatPlatform } from './platform.ts';
import type { ImageConfig } from './schema.ts';

/**
 * An opened image as every consumer names it: the SBOM subject, the checks, the reports, `sgci inspect` and the
 * store all read this one description, so a field means the same wherever it is printed.
 */
export interface ImageDescription {
  /** Normalised reference (`docker.io/library/alpine:3.20`), or the absolute path of a local source. */
  readonly reference: string;
  /** Where the image came from: the kind of source, what the user typed, registry and repository. */
  readonly source: ImageSourceDescription;
  /** Manifest digest, verified; absent only for `dir:` sources. */
  readonly digest?: Digest;
  readonly mediaType?: string;
  /** The index the manifest was picked from, with the platforms it offers (`os/arch[/variant]`). */
  readonly index?: { readonly digest: Digest; readonly mediaType: string; readonly platforms: readonly string[] };
  /** `os/arch[/variant]`. */
  readonly platform: string;
  readonly configDigest?: Digest;
  /** The config's `created`, as the publisher set it. */
  readonly created?: string;
  readonly config: ImageConfig;
  readonly manifestAnnotations: Readonly<Record<string, string>>;
  readonly layers: readonly LayerInfo[];
}

/** The description of an opened image; plain data, safe to store and to send to another process. */
export function describeImage(image: Image): ImageDescription {
  return {
    reference: image.source.name,
    source: { ...image.source },
    ...(image.digest ? { digest: image.digest } : {}),
    ...(image.mediaType ? { mediaType: image.mediaType } : {}),
    ...(image.index
      ? {
          index: {
            digest: image.index.digest,
            mediaType: image.index.mediaType,
            platforms: image.index.platforms.map(formatPlatform),
          },
        }
      : {}),
    platform: formatPlatform(image.platform),
    ...(image.configDescriptor ? { configDigest: image.configDescriptor.digest as Digest } : {}),
    ...(image.config.created ? { created: image.config.created } : {}),
    config: image.config,
    manifestAnnotations: image.manifest?.annotations ?? {},
    layers: image.layers.map((layer) => ({
      index: layer.index,
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
      ...(layer.diffId ? { diffId: layer.diffId } : {}),
      ...(layer.createdBy !== undefined ? { createdBy: layer.createdBy } : {}),
      ...(layer.created !== undefined ? { created: layer.created } : {}),
    })),
  };
}
