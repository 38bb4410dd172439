import type { AttestationInput } from '../checks/index.ts';
import type { ImageDescription } from '../oci/image/index.ts';
import type { Image } from '../oci/index.ts';
import type { Policy } from '../policy/index.ts';
import type { Catalogue } from './db/open.ts';

/** A submitted reference, resolved now: the digest is the version's identity from here on. */
export interface ResolvedImage {
  /** `registry/repository`, without tag or digest. */
  readonly repository: string;
  readonly digest: string;
  readonly tag?: string;
}

/**
 * How the catalogue reaches registries, set up by the server: the operator's allow/deny list and insecure hosts,
 * and the organisation's registry credentials. Every reference is untrusted.
 */
export interface ImageAccess {
  resolve(reference: string, organisation: string): Promise<ResolvedImage>;
  open(reference: string, organisation: string, signal?: AbortSignal): Promise<Image>;
  /** Signatures and attestations verified with the organisation's registered keys; undefined: none registered. */
  verifyAttestations?(image: ImageDescription, organisation: string): Promise<AttestationInput | undefined>;
}

/** What the catalogue's operations and jobs run with. */
export interface CatalogueServices {
  readonly catalogue: Catalogue;
  readonly images: ImageAccess;
  /** The catalogue's published admission policy; its digest is recorded with every scan. */
  readonly policy: Policy;
}
