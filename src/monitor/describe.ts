import type { Digest, Limits } from '../core/index.ts';
import { parsePlatform, readConfig, resolveManifest } from '../oci/image/index.ts';
import { type RegistryClient, registryImageContent } from '../oci/registry/index.ts';
import type { WatchKey } from '../store/index.ts';
import { pinnedReference } from './watch-key.ts';

/** What the classification compares of a digest: the platform's manifest, its config and its layers' diffIDs. */
export interface DigestContent {
  readonly digest: Digest;
  readonly platformDigest: string;
  readonly configDigest: string;
  readonly diffIds: readonly string[];
}

/**
 * Reads the manifest (and the platform's manifest of an index) and the config of a digest, each verified against
 * its digest and bounded by `maxManifestBytes`; no layer is read.
 */
export async function describeDigest(
  client: RegistryClient,
  key: WatchKey,
  digest: Digest,
  limits: Limits,
): Promise<DigestContent> {
  const input = pinnedReference(key, digest);
  const ref = { registry: key.registry, repository: key.repository };
  // not disposed: that would close the round's shared client
  const content = registryImageContent(client, ref, input);
  const start = await content.manifest({ digest }, limits.maxManifestBytes);
  const resolved = await resolveManifest(content, start, input, {
    platform: parsePlatform(key.platform),
    platformExplicit: false,
    limits,
  });
  const config = await readConfig(content, resolved.manifest, input, limits);
  return {
    digest,
    platformDigest: resolved.document.digest,
    configDigest: resolved.manifest.config.digest,
    diffIds: config.rootfs.diff_ids,
  };
}
