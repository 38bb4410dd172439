import type { Digest } from '../core/index.ts';
import { isSgciError } from '../core/index.ts';
import type { ImageIndex } from '../oci/image/index.ts';
import type { RegistryReference } from '../oci/reference/index.ts';

/**
 * The part of the registry client (src/oci/registry `RegistryClient`) that signing and verification use.
 * Written as a structural interface so this folder states exactly what it needs; the client satisfies it.
 */
export interface RegistryAccess {
  getManifest(
    ref: RegistryReference,
    options?: { accept?: readonly string[] },
  ): Promise<{ digest: Digest; mediaType: string; bytes: Uint8Array }>;
  getBlobBytes(
    ref: RegistryReference,
    descriptor: { digest: Digest; size?: number },
    maxBytes: number,
  ): Promise<Uint8Array>;
  pushBlob(ref: RegistryReference, bytes: Uint8Array): Promise<{ digest: Digest; size: number }>;
  pushManifest(ref: RegistryReference, bytes: Uint8Array, mediaType: string): Promise<Digest>;
  referrers(ref: RegistryReference, artifactType?: string): Promise<ImageIndex | undefined>;
}

/** A missing tag or manifest: the registry answered, and there is nothing there. */
export function isNotFound(error: unknown): boolean {
  if (!isSgciError(error)) return false;
  if (error.code === 'SOURCE_NOT_FOUND') return true;
  return error.code === 'REGISTRY_ERROR' && /\b404\b|MANIFEST_UNKNOWN|NAME_UNKNOWN|not found/i.test(error.message);
}

/** Manifest types a cosign tag or referrer may hold; sent as Accept. */
export const signatureManifestTypes = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

/** Signature payloads, envelopes and bundles are small; anything larger is refused before it is read. */
export const maxSignatureBlobBytes = 16 * 1024 * 1024;
