import {
  type Chunks,
  type Digest,
  isDigest,
  type Limits,
  parseDigest,
  SgciError,
  verifyDigest,
} from '../../core/index.ts';
import type { FileNeeds, Image, ImageFilesystem, ImageSourceDescription, Layer } from '../types.ts';
import { type ContentDescriptor, checkDeclaredSize, type ImageContent, type ManifestDocument } from './content.ts';
import { formatPlatform, platformMatches, selectPlatform } from './platform.ts';
import { type Descriptor, ImageConfig, ImageIndex, ImageManifest, mediaTypes, type Platform } from './schema.ts';
import type { Shape } from './shape.ts';

const indexMediaTypes: ReadonlySet<string> = new Set([mediaTypes.ociIndex, mediaTypes.dockerManifestList]);
const manifestMediaTypes: ReadonlySet<string> = new Set([mediaTypes.ociManifest, mediaTypes.dockerManifest]);
const schema1MediaTypes: ReadonlySet<string> = new Set([
  mediaTypes.dockerManifestV1,
  mediaTypes.dockerManifestV1Signed,
]);
const configMediaTypes: ReadonlySet<string> = new Set([mediaTypes.ociConfig, mediaTypes.dockerConfig]);
/** Index → index → manifest is the deepest nesting real tools produce; more is refused, not followed. */
const maxIndexDepth = 3;

export interface ResolveOptions {
  /** The platform to pick from an index. */
  readonly platform: Platform;
  /** Whether the user named the platform: then a single-platform image must match it too. */
  readonly platformExplicit: boolean;
  readonly limits: Limits;
  readonly signal?: AbortSignal;
}

export type ParsedDocument =
  | { readonly kind: 'index'; readonly mediaType: string; readonly index: ImageIndex }
  | { readonly kind: 'manifest'; readonly mediaType: string; readonly manifest: ImageManifest };

function parseJson(bytes: Uint8Array, input: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SgciError('MANIFEST_INVALID', input, `${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Checks a document against its schema; the error names the first place it is wrong. */
function validate<T>(schema: Shape<T>, json: unknown, input: string, what: string): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue
    ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`
    : 'does not match the schema';
  throw new SgciError('MANIFEST_INVALID', input, `${what} is invalid: ${where}`);
}

/**
 * Parses a manifest or index, deciding which by its own `mediaType`, else the media type it was served
 * as, else its shape. Schema 1 and unknown media types are refused with MANIFEST_UNSUPPORTED.
 */
export function parseManifestDocument(document: ManifestDocument, input: string): ParsedDocument {
  const json = parseJson(document.bytes, input, `manifest ${document.digest}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SgciError('MANIFEST_INVALID', input, `manifest ${document.digest} is not a JSON object`);
  }
  const record = json as Record<string, unknown>;
  const own = typeof record.mediaType === 'string' ? record.mediaType : undefined;
  if (record.schemaVersion === 1 || schema1MediaTypes.has(own ?? document.mediaType ?? '')) {
    throw new SgciError(
      'MANIFEST_UNSUPPORTED',
      input,
      'Docker schema 1 manifests are not supported (deprecated since 2017); re-push the image with a current client',
    );
  }
  let mediaType = own ?? document.mediaType;
  if (mediaType === undefined || !(indexMediaTypes.has(mediaType) || manifestMediaTypes.has(mediaType))) {
    if (own === undefined && Array.isArray(record.manifests)) mediaType = mediaTypes.ociIndex;
    else if (own === undefined && Array.isArray(record.layers)) mediaType = mediaTypes.ociManifest;
    else {
      throw new SgciError(
        'MANIFEST_UNSUPPORTED',
        input,
        `manifest ${document.digest} has unsupported media type ${JSON.stringify(mediaType ?? '(none)')}`,
      );
    }
  }
  if (indexMediaTypes.has(mediaType)) {
    return { kind: 'index', mediaType, index: validate(ImageIndex, json, input, `index ${document.digest}`) };
  }
  return { kind: 'manifest', mediaType, manifest: validate(ImageManifest, json, input, `manifest ${document.digest}`) };
}

function descriptorDigest(descriptor: Descriptor, input: string): Digest {
  if (!isDigest(descriptor.digest)) {
    throw new SgciError(
      'MANIFEST_INVALID',
      input,
      `descriptor digest ${JSON.stringify(descriptor.digest)} is not sha256/sha512`,
    );
  }
  return descriptor.digest;
}

export function toContentDescriptor(descriptor: Descriptor, input: string): ContentDescriptor {
  return { digest: descriptorDigest(descriptor, input), size: descriptor.size, mediaType: descriptor.mediaType };
}

/** The image manifests of an index: attestation manifests and artifacts are not images to pick. */
export function imageEntries(index: ImageIndex): Descriptor[] {
  return index.manifests.filter(
    (entry) =>
      (manifestMediaTypes.has(entry.mediaType) || indexMediaTypes.has(entry.mediaType)) &&
      entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest',
  );
}

export interface ResolvedManifest {
  readonly document: ManifestDocument;
  readonly mediaType: string;
  readonly manifest: ImageManifest;
  /** The index the manifest was picked from (the innermost one), if any. */
  readonly index?: { readonly digest: Digest; readonly mediaType: string; readonly platforms: readonly Platform[] };
  /** The platform the index entry declared. */
  readonly indexPlatform?: Platform;
}

/** Follows indexes to the manifest for the wanted platform, verifying every document on the way. */
export async function resolveManifest(
  content: ImageContent,
  start: ManifestDocument,
  input: string,
  options: ResolveOptions,
): Promise<ResolvedManifest> {
  let document = start;
  let parent: ResolvedManifest['index'];
  let indexPlatform: Platform | undefined;
  for (let depth = 0; ; depth++) {
    const parsed = parseManifestDocument(document, input);
    if (parsed.kind === 'manifest') {
      return {
        document,
        mediaType: parsed.mediaType,
        manifest: parsed.manifest,
        ...(parent ? { index: parent } : {}),
        ...(indexPlatform ? { indexPlatform } : {}),
      };
    }
    if (depth >= maxIndexDepth) {
      throw new SgciError('MANIFEST_INVALID', input, `indexes nested deeper than ${maxIndexDepth} levels`);
    }
    const entries = imageEntries(parsed.index);
    const chosen = selectPlatform(entries, options.platform, input);
    parent = {
      digest: document.digest,
      mediaType: parsed.mediaType,
      platforms: entries.flatMap((entry) =>
        entry.platform && entry.platform.os !== 'unknown' ? [entry.platform] : [],
      ),
    };
    indexPlatform = chosen.platform;
    document = await content.manifest(toContentDescriptor(chosen, input), options.limits.maxManifestBytes);
  }
}

/** Reads and validates the config blob of a manifest. */
export async function readConfig(
  content: ImageContent,
  manifest: ImageManifest,
  input: string,
  limits: Limits,
): Promise<ImageConfig> {
  const descriptor = toContentDescriptor(manifest.config, input);
  if (!configMediaTypes.has(manifest.config.mediaType)) {
    throw new SgciError(
      'MANIFEST_UNSUPPORTED',
      input,
      `not a container image: config media type is ${JSON.stringify(manifest.config.mediaType)}`,
    );
  }
  checkDeclaredSize(descriptor, limits.maxManifestBytes, input, 'config');
  const bytes = await content.blobBytes(descriptor, limits.maxManifestBytes);
  verifyDigest(bytes, descriptor.digest, input);
  const what = `config ${descriptor.digest}`;
  return validate(ImageConfig, parseJson(bytes, input, what), input, what);
}

/** Joins manifest layers with config diffIDs and the non-empty history lines, in order. */
export function joinLayers(
  manifest: ImageManifest,
  config: ImageConfig,
  input: string,
  limits: Limits,
  open: (descriptor: ContentDescriptor) => Promise<Chunks>,
): Layer[] {
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new SgciError(
      'MANIFEST_INVALID',
      input,
      `manifest lists ${manifest.layers.length} layers but the config has ${diffIds.length} diff_ids`,
    );
  }
  const history = (config.history ?? []).filter((entry) => entry.empty_layer !== true);
  // History that does not line up with the layers would attribute commands to the wrong layer.
  const historyFits = history.length === manifest.layers.length;
  return manifest.layers.map((layerDescriptor, index): Layer => {
    const descriptor = toContentDescriptor(layerDescriptor, input);
    checkDeclaredSize(descriptor, limits.maxBlobBytes, input, `layer ${index}`);
    const line = historyFits ? history[index] : undefined;
    const diffId = diffIds[index];
    return {
      index,
      digest: descriptor.digest,
      mediaType: layerDescriptor.mediaType,
      size: layerDescriptor.size,
      ...(diffId !== undefined ? { diffId: parseDigest(diffId, input) } : {}),
      ...(line?.created_by !== undefined ? { createdBy: line.created_by } : {}),
      ...(line?.created !== undefined ? { created: line.created } : {}),
      open: () => open(descriptor),
    };
  });
}

export function configPlatform(config: ImageConfig): Platform | undefined {
  if (!config.os || !config.architecture) return undefined;
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}

export interface AssembledImageParts {
  readonly source: ImageSourceDescription;
  readonly content: ImageContent;
  readonly digest: Digest | undefined;
  readonly mediaType: string;
  readonly index?: Image['index'];
  readonly platform: Platform;
  readonly manifest: ImageManifest | undefined;
  readonly manifestBytes: Uint8Array | undefined;
  readonly config: ImageConfig;
  readonly configDescriptor: Descriptor | undefined;
  readonly layers: readonly Layer[];
  readonly limits: Limits;
  readonly signal?: AbortSignal;
  /** Overrides the layer pass, for sources without layers (`dir:`). */
  readonly filesystem?: (needs: FileNeeds) => Promise<ImageFilesystem>;
}

/** The one Image implementation: sources differ only in how they fetch content. */
export class AssembledImage implements Image {
  readonly source: ImageSourceDescription;
  readonly digest: Digest | undefined;
  readonly mediaType: string;
  readonly index?: Image['index'];
  readonly platform: Platform;
  readonly manifest: ImageManifest | undefined;
  readonly manifestBytes: Uint8Array | undefined;
  readonly config: ImageConfig;
  readonly configDescriptor: Descriptor | undefined;
  readonly layers: readonly Layer[];
  readonly #content: ImageContent;
  readonly #limits: Limits;
  readonly #signal: AbortSignal | undefined;
  readonly #filesystem: AssembledImageParts['filesystem'];

  constructor(parts: AssembledImageParts) {
    this.source = parts.source;
    this.digest = parts.digest;
    this.mediaType = parts.mediaType;
    if (parts.index) this.index = parts.index;
    this.platform = parts.platform;
    this.manifest = parts.manifest;
    this.manifestBytes = parts.manifestBytes;
    this.config = parts.config;
    this.configDescriptor = parts.configDescriptor;
    this.layers = parts.layers;
    this.#content = parts.content;
    this.#limits = parts.limits;
    this.#signal = parts.signal;
    this.#filesystem = parts.filesystem;
  }

  filesystem(needs: FileNeeds = {}, layers?: ReadonlySet<number>): Promise<ImageFilesystem> {
    if (this.#filesystem) return this.#filesystem(needs);
    const read = layers === undefined ? this.layers : this.layers.filter((layer) => layers.has(layer.index));
    // the layer reader and the tree load with the first filesystem read: describing an image (a monitor round's
    // moved tag, `inspect`) never needs them
    const options = { limits: this.#limits, ...(this.#signal ? { signal: this.#signal } : {}) };
    return import('../fs/index.ts').then(({ readFilesystem }) => readFilesystem(read, needs, options));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#content[Symbol.asyncDispose]();
  }
}

/**
 * From a first manifest document (a registry manifest, a layout's picked entry) to a verified Image:
 * platform selection, manifest, config, layers.
 */
export async function assembleImage(
  content: ImageContent,
  start: ManifestDocument,
  source: ImageSourceDescription,
  options: ResolveOptions,
): Promise<AssembledImage> {
  const input = source.input;
  verifyDigest(start.bytes, start.digest, input);
  const resolved = await resolveManifest(content, start, input, options);
  const config = await readConfig(content, resolved.manifest, input, options.limits);
  const platform = configPlatform(config) ?? resolved.indexPlatform ?? options.platform;
  if (!resolved.index && options.platformExplicit && !platformMatches(options.platform, platform)) {
    throw new SgciError(
      'PLATFORM_NOT_FOUND',
      input,
      `no image for platform ${formatPlatform(options.platform)}; available: ${formatPlatform(platform)}`,
    );
  }
  const layers = joinLayers(resolved.manifest, config, input, options.limits, (descriptor) =>
    content.openBlob(descriptor),
  );
  return new AssembledImage({
    source,
    content,
    digest: resolved.document.digest,
    mediaType: resolved.mediaType,
    ...(resolved.index ? { index: resolved.index } : {}),
    platform,
    manifest: resolved.manifest,
    manifestBytes: resolved.document.bytes,
    config,
    configDescriptor: resolved.manifest.config,
    layers,
    limits: options.limits,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
