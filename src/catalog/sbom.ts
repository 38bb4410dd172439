import type { Digest, Unknown } from '../core/index.ts';
import type { ImageDescription } from '../oci/image/index.ts';
import type { Distro, Package, Relationship } from './package.ts';

/** What an SBOM describes: the image as sgci resolved it (a projection of its ImageDescription). */
export interface SbomSubject {
  /** Normalised reference (`docker.io/library/alpine:3.20`) or a path for local sources. */
  readonly name: string;
  readonly digest?: Digest;
  readonly platform?: string;
  readonly layers?: readonly { readonly digest: string; readonly diffId?: string }[];
  /** The image config's `created`: the one timestamp an SBOM of this image may carry and stay reproducible. */
  readonly created?: string;
}

/** The internal SBOM: every output format (CycloneDX, SPDX, table) renders this. */
export interface Sbom {
  readonly subject: SbomSubject;
  readonly distro?: Distro;
  /** Sorted by purl, then id: the order every serialization keeps. */
  readonly packages: readonly Package[];
  readonly relationships: readonly Relationship[];
  /** Executables owned by no catalogued package (SGCI-COMP-001). */
  readonly unidentifiedExecutables: readonly { readonly path: string; readonly layer: number }[];
  readonly unknowns: readonly Unknown[];
  readonly tool: { readonly name: 'sgci'; readonly version: string };
}

/** The SBOM subject of an image: the fields of its description an SBOM keeps. */
export function sbomSubjectOf(image: ImageDescription): SbomSubject {
  return {
    name: image.reference,
    ...(image.digest ? { digest: image.digest } : {}),
    platform: image.platform,
    layers: image.layers.map((l) => ({ digest: l.digest, ...(l.diffId ? { diffId: l.diffId } : {}) })),
    ...(image.created ? { created: image.created } : {}),
  };
}
