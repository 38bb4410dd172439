import { z } from 'zod';

/** Media types sgci understands; anything else in a layer is sniffed by magic bytes. */
export const mediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifestV1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerManifestV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

const digestString = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');

export const Platform = z.object({
  architecture: z.string(),
  os: z.string(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
  variant: z.string().optional(),
});
export type Platform = z.infer<typeof Platform>;

export const Descriptor = z.object({
  mediaType: z.string(),
  digest: digestString,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: Platform.optional(),
  artifactType: z.string().optional(),
});
export type Descriptor = z.infer<typeof Descriptor>;

export const ImageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor),
  subject: Descriptor.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

export const ImageIndex = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  manifests: z.array(Descriptor),
  subject: Descriptor.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageIndex = z.infer<typeof ImageIndex>;

const stringMap = z.record(z.string(), z.string());
const emptyObjectMap = z.record(z.string(), z.unknown());

export const Healthcheck = z.object({
  Test: z.array(z.string()).nullish(),
  Interval: z.number().optional(),
  Timeout: z.number().optional(),
  StartPeriod: z.number().optional(),
  StartInterval: z.number().optional(),
  Retries: z.number().optional(),
});
export type Healthcheck = z.infer<typeof Healthcheck>;

export const ContainerConfig = z
  .object({
    User: z.string().optional(),
    ExposedPorts: emptyObjectMap.nullish(),
    Env: z.array(z.string()).nullish(),
    Entrypoint: z.array(z.string()).nullish(),
    Cmd: z.array(z.string()).nullish(),
    Volumes: emptyObjectMap.nullish(),
    WorkingDir: z.string().optional(),
    Labels: stringMap.nullish(),
    StopSignal: z.string().optional(),
    Healthcheck: Healthcheck.nullish(),
    Shell: z.array(z.string()).nullish(),
    OnBuild: z.array(z.string()).nullish(),
  })
  .loose();
export type ContainerConfig = z.infer<typeof ContainerConfig>;

export const HistoryEntry = z.object({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const ImageConfig = z
  .object({
    created: z.string().optional(),
    author: z.string().optional(),
    architecture: z.string().optional(),
    os: z.string().optional(),
    variant: z.string().optional(),
    config: ContainerConfig.nullish(),
    rootfs: z.object({ type: z.string(), diff_ids: z.array(digestString) }),
    history: z.array(HistoryEntry).nullish(),
  })
  .loose();
export type ImageConfig = z.infer<typeof ImageConfig>;
