import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  canonicalJson,
  type Digest,
  describe,
  digestHex,
  digestOf,
  SgciError,
  writeFileAtomic,
} from '../../core/index.ts';
import { mediaTypes } from '../../oci/image/index.ts';
import { type BuildConfig, type BuildPlatform, buildEpoch } from '../config.ts';

/** A blob of the layout: its digest, its bytes and the media type it is referenced with. */
export interface Blob {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly bytes: Buffer;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly platform?: { readonly architecture: string; readonly os: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

export function blobOf(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: digestOf(bytes), bytes };
}

export function descriptorOf(blob: Blob, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.bytes.length, ...extra };
}

/** A JSON document as the blob that is digested: keys sorted at every level, no whitespace. */
function jsonBlob(mediaType: string, document: unknown): Blob {
  return blobOf(mediaType, Buffer.from(canonicalJson(document)));
}

/** A build-file duration (`30s`) as the nanoseconds the OCI/Docker config's Healthcheck holds. */
function nanoseconds(duration: string | undefined): number | undefined {
  if (duration === undefined) return undefined;
  const match = /^(\d+)(ms|s|m|h)$/.exec(duration);
  const factor = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[match?.[2] as 'ms'];
  return Number(match?.[1]) * factor;
}

export function platformParts(platform: BuildPlatform): { architecture: string; os: string } {
  const [os, architecture] = platform.split('/') as [string, string];
  return { architecture, os };
}

/** The image configuration: runtime settings from the build file, the layers' diff_ids, one history entry each. */
export function imageConfig(config: BuildConfig, platform: BuildPlatform, diffIds: readonly Digest[]): Blob {
  const created = new Date(buildEpoch(config) * 1000).toISOString();
  const run = config.config;
  const health = run.healthcheck;
  const user =
    config.accounts.runAsGroup === undefined
      ? String(config.accounts.runAs)
      : `${config.accounts.runAs}:${config.accounts.runAsGroup}`;
  return jsonBlob(mediaTypes.ociConfig, {
    ...platformParts(platform),
    created,
    config: {
      User: user,
      Env: Object.entries({ PATH: '/usr/local/bin:/usr/bin:/bin', ...run.env })
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`),
      ...(run.entrypoint ? { Entrypoint: run.entrypoint } : {}),
      ...(run.cmd ? { Cmd: run.cmd } : {}),
      WorkingDir: run.workdir,
      Labels: config.image.labels,
      ...(run.stopSignal ? { StopSignal: run.stopSignal } : {}),
      ...(health
        ? {
            Healthcheck: {
              Test: health.test,
              ...(health.interval ? { Interval: nanoseconds(health.interval) } : {}),
              ...(health.timeout ? { Timeout: nanoseconds(health.timeout) } : {}),
              ...(health.startPeriod ? { StartPeriod: nanoseconds(health.startPeriod) } : {}),
              ...(health.retries !== undefined ? { Retries: health.retries } : {}),
            },
          }
        : {}),
    },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created, created_by: 'sgci build', comment: config.image.name })),
  });
}

export function imageManifest(config: BuildConfig, configBlob: Blob, layers: readonly Blob[]): Blob {
  return jsonBlob(mediaTypes.ociManifest, {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: descriptorOf(configBlob),
    layers: layers.map((l) => descriptorOf(l)),
    annotations: {
      'org.opencontainers.image.created': new Date(buildEpoch(config) * 1000).toISOString(),
      ...config.image.annotations,
    },
  });
}

export function imageIndex(manifests: readonly Descriptor[], annotations: Readonly<Record<string, string>>): Blob {
  return jsonBlob(mediaTypes.ociIndex, { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests, annotations });
}

/**
 * Writes an OCI image layout: every blob under blobs/sha256, then index.json naming `root` once per tag. Blobs are
 * content-addressed, so one already present is the same bytes and is left alone.
 */
export async function writeLayout(
  dir: string,
  blobs: readonly Blob[],
  root: Descriptor,
  tags: readonly string[],
): Promise<void> {
  const blobDir = join(dir, 'blobs', 'sha256');
  try {
    await mkdir(blobDir, { recursive: true });
  } catch (error) {
    throw new SgciError('IO_ERROR', dir, `cannot write the OCI layout: ${describe(error)}`, { cause: error });
  }
  await writeFileAtomic(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  // side by side: the layers' writes overlap on libuv's pool
  await Promise.all(blobs.map((blob) => writeFileAtomic(join(blobDir, digestHex(blob.digest)), blob.bytes)));
  const index = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociIndex,
    manifests: tags.map((tag) => ({
      ...root,
      annotations: { ...root.annotations, 'org.opencontainers.image.ref.name': tag },
    })),
  };
  await writeFileAtomic(join(dir, 'index.json'), canonicalJson(index));
}
