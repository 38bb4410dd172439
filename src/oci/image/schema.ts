import {
  array,
  boolean,
  count,
  type Infer,
  literal,
  looseObject,
  nullish,
  number,
  object,
  optional,
  record,
  string,
  unknown,
} from './shape.ts';

/**
 * The OCI/Docker documents of an image, checked by hand-written validators (`shape.ts`, no zod on the path every
 * image read takes); the types are inferred from them as zod's were.
 */

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

const digestString = string(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');

export const Platform = object({
  architecture: string(),
  os: string(),
  'os.version': optional(string()),
  'os.features': optional(array(string())),
  variant: optional(string()),
});
export type Platform = Infer<typeof Platform>;

export const Descriptor = object({
  mediaType: string(),
  digest: digestString,
  size: count(),
  urls: optional(array(string())),
  annotations: optional(record(string())),
  platform: optional(Platform),
  artifactType: optional(string()),
});
export type Descriptor = Infer<typeof Descriptor>;

export const ImageManifest = object({
  schemaVersion: literal(2),
  mediaType: optional(string()),
  artifactType: optional(string()),
  config: Descriptor,
  layers: array(Descriptor),
  subject: optional(Descriptor),
  annotations: optional(record(string())),
});
export type ImageManifest = Infer<typeof ImageManifest>;

export const ImageIndex = object({
  schemaVersion: literal(2),
  mediaType: optional(string()),
  artifactType: optional(string()),
  manifests: array(Descriptor),
  subject: optional(Descriptor),
  annotations: optional(record(string())),
});
export type ImageIndex = Infer<typeof ImageIndex>;

const stringMap = record(string());
const emptyObjectMap = record(unknown());

export const Healthcheck = object({
  Test: nullish(array(string())),
  Interval: optional(number()),
  Timeout: optional(number()),
  StartPeriod: optional(number()),
  StartInterval: optional(number()),
  Retries: optional(number()),
});
export type Healthcheck = Infer<typeof Healthcheck>;

export const ContainerConfig = looseObject({
  User: optional(string()),
  ExposedPorts: nullish(emptyObjectMap),
  Env: nullish(array(string())),
  Entrypoint: nullish(array(string())),
  Cmd: nullish(array(string())),
  Volumes: nullish(emptyObjectMap),
  WorkingDir: optional(string()),
  Labels: nullish(stringMap),
  StopSignal: optional(string()),
  Healthcheck: nullish(Healthcheck),
  Shell: nullish(array(string())),
  OnBuild: nullish(array(string())),
});
export type ContainerConfig = Infer<typeof ContainerConfig>;

export const HistoryEntry = object({
  created: optional(string()),
  created_by: optional(string()),
  author: optional(string()),
  comment: optional(string()),
  empty_layer: optional(boolean()),
});
export type HistoryEntry = Infer<typeof HistoryEntry>;

export const ImageConfig = looseObject({
  created: optional(string()),
  author: optional(string()),
  architecture: optional(string()),
  os: optional(string()),
  variant: optional(string()),
  config: nullish(ContainerConfig),
  rootfs: object({ type: string(), diff_ids: array(digestString) }),
  history: nullish(array(HistoryEntry)),
});
export type ImageConfig = Infer<typeof ImageConfig>;
