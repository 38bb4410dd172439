import type { BlobCache } from '../cache/index.ts';
import type { ImageAccess, ResolvedImage } from '../catalogue/index.ts';
import { defaultLimits, type Limits, type Logger, SgciError } from '../core/index.ts';
import { parseImageReference } from '../oci/reference/index.ts';
import { RegistryClient } from '../oci/registry/index.ts';
import { openImage } from '../oci/source/index.ts';
import type { ServerConfig } from './config.ts';

export interface ImageAccessOptions {
  readonly config: Pick<ServerConfig, 'insecureRegistry' | 'allowRegistry'>;
  readonly logger: Logger;
  readonly cache?: BlobCache;
  readonly limits?: Limits;
}

/** Only registry references: a submitted `oci-dir:/etc` or `docker-archive:/…` would read the server's own files. */
function registryReference(reference: string) {
  const parsed = parseImageReference(reference);
  if (parsed.kind !== 'registry') {
    throw new SgciError('REFERENCE_INVALID', reference, 'only registry references can be submitted (no local paths)');
  }
  return parsed;
}

/**
 * The catalogue's way to registries: registry references only, the operator's insecure hosts, the shared blob
 * cache and the hostile-input limits.
 */
export function registryImageAccess(options: ImageAccessOptions): ImageAccess {
  const limits = options.limits ?? defaultLimits;
  const insecureRegistries = options.config.insecureRegistry;
  return {
    async resolve(reference: string): Promise<ResolvedImage> {
      const { ref } = registryReference(reference);
      await using client = new RegistryClient({ limits, logger: options.logger, insecureRegistries });
      const manifest = await client.getManifest(ref);
      return {
        repository: `${ref.registry}/${ref.repository}`,
        digest: manifest.digest,
        ...(ref.tag !== undefined && ref.digest === undefined ? { tag: ref.tag } : {}),
      };
    },
    async open(reference: string, _organisation: string, signal?: AbortSignal) {
      registryReference(reference);
      return openImage(reference, {
        limits,
        logger: options.logger,
        insecureRegistries,
        ...(options.cache ? { cache: options.cache } : {}),
        ...(signal ? { signal } : {}),
      });
    },
  };
}
