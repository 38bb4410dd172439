import { verifyDigest } from '../../core/index.ts';
import { type AssembledImage, assembleImage, type ImageContent } from '../image/index.ts';
import type { RegistryReference } from '../reference/index.ts';
import { type BlobStore, defaultCredentials, RegistryClient, type RegistryHostPolicy } from '../registry/index.ts';
import type { ImageSourceDescription } from '../types.ts';
import type { SourceOptions } from './options.ts';

export interface RegistrySourceOptions extends SourceOptions {
  /** A blob cache (the CLI passes src/cache's BlobCache; oci may not import it). */
  readonly cache?: BlobStore;
  /** Hosts the client must not connect to (the server's policy for untrusted references). */
  readonly hostPolicy?: RegistryHostPolicy;
}

/** An image in a registry, through H1's RegistryClient: every manifest and blob verified as it arrives. */
export async function openRegistryImage(
  ref: RegistryReference,
  source: ImageSourceDescription,
  options: RegistrySourceOptions,
): Promise<AssembledImage> {
  const client = new RegistryClient({
    credentials: defaultCredentials({
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      logger: options.logger,
    }),
    insecureRegistries: options.insecureRegistries,
    limits: options.limits,
    logger: options.logger,
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.hostPolicy ? { hostPolicy: options.hostPolicy } : {}),
  });
  try {
    const content: ImageContent = {
      async manifest(descriptor) {
        const result = await client.getManifest(
          { ...ref, digest: descriptor.digest },
          options.signal ? { signal: options.signal } : {},
        );
        return { digest: result.digest, mediaType: result.mediaType, bytes: result.bytes };
      },
      async blobBytes(descriptor, maxBytes) {
        const bytes = await client.getBlobBytes(
          ref,
          { digest: descriptor.digest, ...(descriptor.size !== undefined ? { size: descriptor.size } : {}) },
          maxBytes,
          options.signal,
        );
        verifyDigest(bytes, descriptor.digest, source.input);
        return bytes;
      },
      openBlob(descriptor) {
        return client.getBlob(
          ref,
          { digest: descriptor.digest, ...(descriptor.size !== undefined ? { size: descriptor.size } : {}) },
          options.signal,
        );
      },
      [Symbol.asyncDispose]: () => client.close(),
    };
    const start = await client.getManifest(ref, options.signal ? { signal: options.signal } : {});
    return await assembleImage(content, start, source, options);
  } catch (error) {
    await client.close();
    throw error;
  }
}
