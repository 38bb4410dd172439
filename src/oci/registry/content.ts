import { verifyDigest } from '../../core/index.ts';
import type { ImageContent } from '../image/index.ts';
import type { RegistryReference } from '../reference/index.ts';
import type { RegistryClient } from './client.ts';

/**
 * The content of one repository through a registry client: manifests by digest and blobs, each verified against
 * the digest asked for. Disposing it closes the client.
 */
export function registryImageContent(
  client: RegistryClient,
  ref: RegistryReference,
  input: string,
  signal?: AbortSignal,
): ImageContent {
  return {
    async manifest(descriptor) {
      const result = await client.getManifest({ ...ref, digest: descriptor.digest }, signal ? { signal } : {});
      return { digest: result.digest, mediaType: result.mediaType, bytes: result.bytes };
    },
    async blobBytes(descriptor, maxBytes) {
      const bytes = await client.getBlobBytes(
        ref,
        { digest: descriptor.digest, ...(descriptor.size !== undefined ? { size: descriptor.size } : {}) },
        maxBytes,
        signal,
      );
      verifyDigest(bytes, descriptor.digest, input);
      return bytes;
    },
    openBlob(descriptor) {
      return client.getBlob(
        ref,
        { digest: descriptor.digest, ...(descriptor.size !== undefined ? { size: descriptor.size } : {}) },
        signal,
      );
    },
    [Symbol.asyncDispose]: () => client.close(),
  };
}
