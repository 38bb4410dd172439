import {
  type PushResult,
  planAttestations,
  planSignature,
  predicateTypes,
  pushPlan,
  type RegistryAccess,
  resolveImage,
  type Signer,
} from '../../attest/index.ts';
import type { Digest } from '../../core/index.ts';
import type { RegistryReference } from '../../oci/reference/index.ts';
import type { EncodedSbom } from '../sbom/index.ts';

const sbomPredicateTypes: Record<EncodedSbom['format'], string> = {
  'cyclonedx-1.6': predicateTypes.cyclonedx,
  'spdx-2.3': predicateTypes.spdx,
};

export interface BuildAttestations {
  /** The pushed root: the image index of a multi-platform build, else the one manifest. */
  readonly root: Digest;
  /** Each platform's manifest with its SBOMs: an SBOM describes one platform's file system. */
  readonly platforms: readonly { readonly manifest: Digest; readonly sboms: readonly EncodedSbom[] }[];
  readonly provenance?: Record<string, unknown>;
}

/**
 * Signs a pushed build as `cosign sign --recursive` would (the root and each platform manifest) and attaches, as
 * cosign-format attestations, each platform's SBOMs to its manifest and the provenance to the root. Each manifest's
 * attestations go up in one push, so a reader sees all of them or none.
 */
export async function attestBuild(
  registry: RegistryAccess,
  target: Omit<RegistryReference, 'tag' | 'digest'>,
  signer: Signer,
  build: BuildAttestations,
): Promise<PushResult[]> {
  const pushed: PushResult[] = [];
  const manifests = new Map<Digest, { predicateType: string; predicate: unknown }[]>([[build.root, []]]);
  for (const platform of build.platforms) {
    const items = manifests.get(platform.manifest) ?? [];
    for (const sbom of platform.sboms)
      items.push({ predicateType: sbomPredicateTypes[sbom.format], predicate: JSON.parse(sbom.text) });
    manifests.set(platform.manifest, items);
  }
  if (build.provenance)
    manifests.get(build.root)?.push({ predicateType: predicateTypes.slsaprovenance1, predicate: build.provenance });
  for (const [digest, items] of manifests) {
    const image = await resolveImage(registry, { ...target, digest });
    for (const result of await pushPlan(registry, await planSignature(registry, image, signer))) pushed.push(result);
    if (items.length > 0)
      for (const result of await pushPlan(registry, await planAttestations(registry, image, signer, items)))
        pushed.push(result);
  }
  return pushed;
}
