import { type AssembledImage, assembleImage } from '../image/index.ts';
import type { RegistryReference } from '../reference/index.ts';
import {
  type BlobStore,
  defaultCredentials,
  RegistryClient,
  type RegistryHostPolicy,
  registryImageContent,
} from '../registry/index.ts';
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
    const content = registryImageContent(client, ref, source.input, options.signal);
    const start = await client.getManifest(ref, options.signal ? { signal: options.signal } : {});
    return await assembleImage(content, start, source, options);
  } catch (error) {
    await client.close();
    throw error;
  }
}
