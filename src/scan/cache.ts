import type { Sbom } from '../catalog/index.ts';
import type { DockerfileInput, ManifestsInput, PassResults } from '../checks/index.ts';
import { digestOf, toolVersion } from '../core/index.ts';
import type { ImageDescription } from '../oci/image/index.ts';
import type { Policy } from '../policy/index.ts';
import type { SecretScan } from '../secrets/index.ts';
import type { Store } from '../store/index.ts';

/** What a scan keeps of reading the layers: enough to answer every later scan of the digest without a byte read. */
export interface CachedScan {
  readonly sbom: Sbom;
  /** Present when the scan that stored it ran the checks. */
  readonly secrets?: SecretScan;
  readonly pass?: PassResults;
}

/** Scan results by content (Trivy's artifact cache, Harbor's lesson: re-match stored SBOMs, never re-pull). */
export interface ScanCache {
  get(key: string): Promise<CachedScan | undefined>;
  put(key: string, scan: CachedScan, image: ImageDescription): Promise<void>;
}

/**
 * The cache key of a scan's layer results: the manifest digest (which covers config and every layer), the platform,
 * sgci's version, the policy digest and the build inputs the filesystem checks read. Undefined for images without a
 * manifest digest (`dir:`), which have no content identity.
 */
export function scanCacheKey(
  image: ImageDescription,
  policy: Policy,
  inputs: { dockerfile?: DockerfileInput; manifests?: ManifestsInput },
): string | undefined {
  if (!image.digest) return undefined;
  const parts = [
    `manifest=${image.digest}`,
    `platform=${image.platform}`,
    `sgci=${toolVersion}`,
    `policy=${policy.digest}`,
    `dockerfile=${inputs.dockerfile ? digestOf(JSON.stringify(inputs.dockerfile)) : '-'}`,
    `manifests=${inputs.manifests ? digestOf(JSON.stringify(inputs.manifests)) : '-'}`,
  ];
  return digestOf(parts.join('\n'));
}

/** The scan cache in the one store (SQLite, PGlite or PostgreSQL): shared by every CLI run, server and worker on it. */
export function storeScanCache(store: Pick<Store, 'scans'>): ScanCache {
  return {
    async get(key) {
      return (await store.scans.get(key)) as CachedScan | undefined;
    },
    async put(key, scan, image) {
      await store.scans.put({
        key,
        manifestDigest: image.digest ?? '',
        toolVersion,
        result: scan,
      });
    },
  };
}
