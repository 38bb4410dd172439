import { type Digest, parseDigest } from '../../core/index.ts';
import type { RegistryReference } from '../../oci/reference/index.ts';
import { isIndex, type LayoutDescriptor, readBlob, readJsonBlob, rootDescriptor } from './layout-files.ts';

/** The part of the registry client a push needs (`RegistryClient` has it). */
export interface ImagePusher {
  pushBlob(ref: RegistryReference, bytes: Uint8Array): Promise<{ digest: Digest; size: number }>;
  pushManifest(ref: RegistryReference, bytes: Uint8Array, mediaType: string): Promise<Digest>;
}

interface Manifest {
  readonly config: LayoutDescriptor;
  readonly layers: readonly LayoutDescriptor[];
}

/** Pushes one image manifest's blobs, then the manifest by digest; the registry then holds the whole image. */
async function pushManifest(
  layout: string,
  registry: ImagePusher,
  target: RegistryReference,
  descriptor: LayoutDescriptor,
): Promise<Uint8Array> {
  const bytes = await readBlob(layout, descriptor.digest);
  const manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  for (const blob of [manifest.config, ...manifest.layers])
    await registry.pushBlob(target, await readBlob(layout, blob.digest));
  return bytes;
}

/**
 * Copies a built layout to `target` (registry and repository) with the registry client: blobs first, then each
 * platform's manifest by digest, then the root (image index or manifest) under each tag. Every blob is checked
 * against its digest as it is read, and the registry's answer against the digest pushed. Returns the root digest.
 */
export async function pushLayout(
  layout: string,
  registry: ImagePusher,
  target: Omit<RegistryReference, 'tag' | 'digest'>,
  tags: readonly string[],
): Promise<Digest> {
  const root = await rootDescriptor(layout);
  let rootBytes: Uint8Array;
  if (isIndex(root)) {
    rootBytes = await readBlob(layout, root.digest);
    const index = await readJsonBlob<{ manifests: LayoutDescriptor[] }>(layout, root.digest);
    for (const entry of index.manifests) {
      const bytes = await pushManifest(layout, registry, target, entry);
      await registry.pushManifest({ ...target, digest: parseDigest(entry.digest, layout) }, bytes, entry.mediaType);
    }
  } else rootBytes = await pushManifest(layout, registry, target, root);
  let digest = parseDigest(root.digest, layout);
  for (const tag of tags) digest = await registry.pushManifest({ ...target, tag }, rootBytes, root.mediaType);
  return digest;
}
