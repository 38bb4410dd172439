import type { Digest } from '../../core/index.ts';

/** A normalised registry reference: `docker.io/library/alpine:latest`, `127.0.0.1:5000/fixtures/x@sha256:…`. */
export interface RegistryReference {
  /** Host[:port] as used on the wire; Docker Hub is `docker.io` here and `registry-1.docker.io` on the wire. */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

/** The image reference with a scheme the user typed (Syft-style). */
export type ImageReference =
  | { readonly kind: 'registry'; readonly input: string; readonly ref: RegistryReference }
  | { readonly kind: 'oci-dir'; readonly input: string; readonly path: string; readonly tag?: string }
  | { readonly kind: 'oci-archive'; readonly input: string; readonly path: string; readonly tag?: string }
  | { readonly kind: 'docker-archive'; readonly input: string; readonly path: string; readonly tag?: string }
  | { readonly kind: 'dir'; readonly input: string; readonly path: string };
