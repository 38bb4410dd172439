import { type Digest, digestOf, SgciError } from '../../core/index.ts';
import { type Descriptor, ImageIndex, ImageManifest, mediaTypes } from '../../oci/image/index.ts';

/**
 * cosign's storage scheme: signatures and attestations of `repo@sha256:H` live in an OCI image manifest
 * tagged `sha256-H.sig` / `sha256-H.att` in the same repository, one layer per signature. Adding one
 * keeps the layers already there, as cosign does, and skips an identical layer.
 */
export type CosignTagKind = 'sig' | 'att';

export function cosignTag(digest: Digest, kind: CosignTagKind): string {
  return `${digest.replace(':', '-')}.${kind}`;
}

export interface NewLayer {
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface BuiltManifest {
  readonly mediaType: string;
  readonly manifest: Uint8Array;
  readonly digest: Digest;
  /** Blobs the registry must hold before the manifest is pushed: the config and the new layer. */
  readonly blobs: readonly { digest: Digest; bytes: Uint8Array }[];
  /** False when the same layer (same bytes, same annotations) was already there. */
  readonly changed: boolean;
}

function sameLayer(existing: Descriptor, digest: Digest, layer: NewLayer): boolean {
  if (existing.digest !== digest || existing.mediaType !== layer.mediaType) return false;
  const a = existing.annotations ?? {};
  const keys = new Set([...Object.keys(a), ...Object.keys(layer.annotations)]);
  return [...keys].every((k) => a[k] === layer.annotations[k]);
}

/**
 * The config cosign writes: an image config whose rootfs lists the layer digests (the layers are not
 * compressed, so diff IDs equal digests) and zero timestamps, so the same layers give the same bytes.
 */
function cosignConfig(layers: readonly Descriptor[]): Uint8Array {
  const config = {
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  };
  return new TextEncoder().encode(JSON.stringify(config));
}

/** Parses the manifest currently under the cosign tag, refusing anything that is not an image manifest. */
export function parseCosignManifest(bytes: Uint8Array, input: string): ImageManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SgciError('MANIFEST_INVALID', input, 'signature manifest is not JSON', { cause: error });
  }
  const parsed = ImageManifest.safeParse(json);
  if (!parsed.success) throw new SgciError('MANIFEST_INVALID', input, 'signature tag does not hold an image manifest');
  return parsed.data;
}

export function appendLayer(existing: ImageManifest | undefined, layer: NewLayer): BuiltManifest {
  const digest = digestOf(layer.bytes);
  // One key order for old and new layers, so re-serialising an unchanged manifest gives the same bytes.
  const layers: Descriptor[] = (existing?.layers ?? []).map(({ mediaType, size, digest: d, annotations, ...rest }) => ({
    mediaType,
    size,
    digest: d,
    ...(annotations ? { annotations } : {}),
    ...rest,
  }));
  const duplicate = layers.some((l) => sameLayer(l, digest, layer));
  if (!duplicate) {
    layers.push({
      mediaType: layer.mediaType,
      size: layer.bytes.length,
      digest,
      annotations: { ...layer.annotations },
    });
  }
  const config = cosignConfig(layers);
  const configDigest = digestOf(config);
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, size: config.length, digest: configDigest },
    layers,
    ...(existing?.annotations ? { annotations: existing.annotations } : {}),
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  return {
    mediaType: mediaTypes.ociManifest,
    manifest: manifestBytes,
    digest: digestOf(manifestBytes),
    blobs: [
      { digest: configDigest, bytes: config },
      { digest, bytes: layer.bytes },
    ],
    changed: !duplicate,
  };
}

/** An OCI 1.1 referrer manifest: empty config, one layer, `subject` pointing at the signed image. */
export function referrerManifest(
  subject: { digest: Digest; size: number; mediaType: string },
  artifactType: string,
  layer: { mediaType: string; bytes: Uint8Array },
  annotations: Readonly<Record<string, string>> = {},
): BuiltManifest {
  const empty = new TextEncoder().encode('{}');
  const layerDigest = digestOf(layer.bytes);
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    artifactType,
    config: { mediaType: mediaTypes.ociEmpty, size: empty.length, digest: digestOf(empty) },
    layers: [{ mediaType: layer.mediaType, size: layer.bytes.length, digest: layerDigest }],
    subject: { mediaType: subject.mediaType, size: subject.size, digest: subject.digest },
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  return {
    mediaType: mediaTypes.ociManifest,
    manifest: bytes,
    digest: digestOf(bytes),
    blobs: [
      { digest: digestOf(empty), bytes: empty },
      { digest: layerDigest, bytes: layer.bytes },
    ],
    changed: true,
  };
}

/** The OCI 1.1 referrers tag schema: where a registry without the referrers API keeps the list. */
export function referrersFallbackTag(digest: Digest): string {
  return digest.replace(':', '-');
}

/** The fallback index with one more referrer; existing entries stay, an identical one is not repeated. */
export function appendReferrerToIndex(existing: ImageIndex | undefined, referrer: Descriptor): BuiltManifest {
  const manifests = [...(existing?.manifests ?? [])];
  const duplicate = manifests.some((m) => m.digest === referrer.digest);
  if (!duplicate) manifests.push(referrer);
  const index = { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests };
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  return { mediaType: mediaTypes.ociIndex, manifest: bytes, digest: digestOf(bytes), blobs: [], changed: !duplicate };
}

export function parseReferrersIndex(bytes: Uint8Array, input: string): ImageIndex {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SgciError('MANIFEST_INVALID', input, 'referrers index is not JSON', { cause: error });
  }
  const parsed = ImageIndex.safeParse(json);
  if (!parsed.success) throw new SgciError('MANIFEST_INVALID', input, 'referrers tag does not hold an image index');
  return parsed.data;
}
