import type { Chunks, Digest } from '../../core/index.ts';
import { SgciError } from '../../core/index.ts';

/** What a source needs to know to fetch one piece of content. */
export interface ContentDescriptor {
  readonly digest: Digest;
  /** Size per the descriptor, when one is known; checked while reading. */
  readonly size?: number;
  readonly mediaType?: string;
}

/** A manifest or index as fetched: the bytes its digest covers, and the media type it was served as. */
export interface ManifestDocument {
  readonly digest: Digest;
  readonly mediaType: string | undefined;
  readonly bytes: Uint8Array;
}

/**
 * Content-addressed access to one image's content, implemented by each transport. Everything it
 * returns is verified against the digest asked for (DIGEST_MISMATCH otherwise).
 */
export interface ImageContent extends AsyncDisposable {
  /** A manifest or index by digest (the registry serves these from /manifests, layouts from blobs/). */
  manifest(descriptor: ContentDescriptor, maxBytes: number): Promise<ManifestDocument>;
  /** A small blob (the config) read fully; LIMIT_EXCEEDED past `maxBytes`. */
  blobBytes(descriptor: ContentDescriptor, maxBytes: number): Promise<Uint8Array>;
  /**
   * A blob as stored (compressed), verified while it streams; the iteration ends in DIGEST_MISMATCH
   * rather than `done` when it is not what the digest names. Chunks may be reused buffers.
   */
  openBlob(descriptor: ContentDescriptor): Promise<Chunks>;
}

/** Refuses a descriptor whose declared size is already past a limit, before a byte is read. */
export function checkDeclaredSize(descriptor: ContentDescriptor, maxBytes: number, input: string, what: string): void {
  if (descriptor.size !== undefined && descriptor.size > maxBytes) {
    throw new SgciError(
      'LIMIT_EXCEEDED',
      input,
      `${what} ${descriptor.digest} declares ${descriptor.size} bytes, over the limit of ${maxBytes}`,
    );
  }
}
