import { open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultLimits, describe, type Limits, type Logger, SgciError, silentLogger } from '../../core/index.ts';
import { defaultPlatform, parsePlatform } from '../image/index.ts';
import {
  formatRegistryReference,
  type ImageReference,
  parseImageReference,
  referenceSchemes,
} from '../reference/index.ts';
import type { BlobStore, RegistryHostPolicy } from '../registry/index.ts';
import type { Image, ImageSourceDescription, SourceKind } from '../types.ts';
import { startImageDeadline } from './deadline.ts';
import type { RegistrySourceOptions } from './registry.ts';
import type { ArchiveReader } from './tar-index.ts';

export type { SourceOptions } from './options.ts';
export type { ArchiveReader, TarMember } from './tar-index.ts';

export interface OpenImageOptions {
  /** `os/arch[/variant]`; default linux/amd64. Naming it also requires a single-platform image to match. */
  readonly platform?: string;
  readonly limits?: Limits;
  /** Registry hosts that may be reached over plain HTTP (loopback always may). */
  readonly insecureRegistries?: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Blob cache for registry pulls (the CLI passes src/cache's BlobCache). */
  readonly cache?: BlobStore;
  /** Registry hosts refused before connecting; the server passes one for untrusted references, the CLI none. */
  readonly hostPolicy?: RegistryHostPolicy;
}

/** One transport: which reference kind it serves and how it opens it. */
export interface ImageSource {
  readonly kind: SourceKind;
  open(reference: ImageReference, options: RegistrySourceOptions): Promise<Image>;
}

/**
 * An uncompressed tar is indexed in place; a gzipped one (magic 1f 8b) is streamed. Each reader, like each
 * transport below, loads when it is used: a run opens one kind of image, and every module loaded is start-up
 * time (issue 17).
 */
async function openArchive(path: string, input: string, limits: Limits): Promise<ArchiveReader> {
  let magic: Uint8Array;
  try {
    // Opening a FIFO would block until some writer appears; only regular files are archives.
    if (!(await stat(path)).isFile()) throw new SgciError('SOURCE_NOT_FOUND', input, 'is not a regular file');
    const handle = await open(path, 'r');
    try {
      magic = new Uint8Array(2);
      await handle.read(magic, 0, 2, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof SgciError) throw error;
    throw new SgciError('SOURCE_NOT_FOUND', input, `cannot open archive: ${describe(error)}`, { cause: error });
  }
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    const { GzipTarArchive } = await import('./gzip-archive.ts');
    return GzipTarArchive.open(path, input, limits);
  }
  const { TarIndex } = await import('./tar-index.ts');
  return TarIndex.open(path, input, limits);
}

async function requireDirectory(path: string, input: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw new SgciError('SOURCE_NOT_FOUND', input, `cannot open: ${describe(error)}`, { cause: error });
  }
  if (!isDirectory) throw new SgciError('SOURCE_NOT_FOUND', input, 'is not a directory (an OCI layout is one)');
}

function describeSource(reference: ImageReference): ImageSourceDescription {
  if (reference.kind === 'registry') {
    const { ref } = reference;
    return {
      kind: 'registry',
      input: reference.input,
      name: formatRegistryReference(ref),
      registry: ref.registry,
      repository: ref.repository,
      ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
    };
  }
  const path = resolve(reference.path);
  const tag = reference.kind === 'dir' ? undefined : reference.tag;
  return {
    kind: reference.kind,
    input: reference.input,
    name: tag !== undefined ? `${path}:${tag}` : path,
    ...(tag !== undefined ? { tag } : {}),
  };
}

/**
 * The transports, one per reference scheme, in one explicit list (no registration by import side
 * effect); a test checks it covers every scheme.
 */
export const imageSources: readonly ImageSource[] = [
  {
    kind: 'registry',
    // Loaded on demand: the HTTP stack is not needed to read a local archive or layout.
    open: async (reference, options) => {
      if (reference.kind !== 'registry') throw new TypeError('registry source got a local reference');
      const { openRegistryImage } = await import('./registry.ts');
      return openRegistryImage(reference.ref, describeSource(reference), options);
    },
  },
  {
    kind: 'oci-dir',
    open: async (reference, options) => {
      if (reference.kind !== 'oci-dir') return Promise.reject(new TypeError('oci-dir source got another reference'));
      const root = resolve(reference.path);
      await requireDirectory(root, reference.input);
      const [{ directoryLayoutFiles }, { openOciLayout }] = await Promise.all([
        import('./layout-files.ts'),
        import('./oci-layout.ts'),
      ]);
      return openOciLayout(
        directoryLayoutFiles(root, reference.input),
        describeSource(reference),
        reference.tag,
        options,
      );
    },
  },
  {
    kind: 'oci-archive',
    open: async (reference, options) => {
      if (reference.kind !== 'oci-archive') throw new TypeError('oci-archive source got another reference');
      const [{ tarLayoutFiles }, { openOciLayout }] = await Promise.all([
        import('./layout-files.ts'),
        import('./oci-layout.ts'),
      ]);
      const index = await openArchive(resolve(reference.path), reference.input, options.limits);
      return openOciLayout(tarLayoutFiles(index), describeSource(reference), reference.tag, options, () =>
        index.close(),
      );
    },
  },
  {
    kind: 'docker-archive',
    open: async (reference, options) => {
      if (reference.kind !== 'docker-archive') throw new TypeError('docker-archive source got another reference');
      const { openDockerArchive } = await import('./docker-archive.ts');
      const index = await openArchive(resolve(reference.path), reference.input, options.limits);
      return openDockerArchive(index, describeSource(reference), reference.tag, options);
    },
  },
  {
    kind: 'dir',
    open: async (reference, options) => {
      if (reference.kind !== 'dir') throw new TypeError('dir source got another reference');
      const { openDirectory } = await import('./dir.ts');
      return openDirectory(reference.path, describeSource(reference), options);
    },
  },
];

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/**
 * A path to an image given without a transport (`./app.tar`, `/srv/layout`), as Syft detects it: a directory with
 * an `oci-layout` file is an OCI layout, another directory a root filesystem; a tar archive with an `oci-layout`
 * member is an OCI archive, one with `manifest.json` a `docker save` archive. Anything else, or a path that does
 * not exist, is left as typed (a registry name, or a path the parser explains).
 */
export async function withDetectedTransport(input: string, limits: Limits = defaultLimits): Promise<string> {
  if (referenceSchemes.some((scheme) => input.startsWith(`${scheme}:`))) return input;
  const found = await stat(input).catch(() => undefined);
  if (found?.isDirectory()) return (await isFile(join(input, 'oci-layout'))) ? `oci-dir:${input}` : `dir:${input}`;
  if (!found?.isFile()) return input;
  const archive = await openArchive(resolve(input), input, limits);
  try {
    if (archive.lookup('oci-layout')) return `oci-archive:${input}`;
    if (archive.lookup('manifest.json')) return `docker-archive:${input}`;
  } finally {
    await archive.close();
  }
  throw new SgciError('REFERENCE_INVALID', input, 'a tar archive without oci-layout or manifest.json is no image');
}

/**
 * Opens what the user typed (`alpine`, `oci-dir:./layout:v1`, `docker-archive:x.tar`, …) as a verified Image.
 * Reading it, from here to the end of its layer pass, is bounded by `limits.imageDeadlineMs`.
 */
export async function openImage(typed: string, options: OpenImageOptions = {}): Promise<Image> {
  const input = await withDetectedTransport(typed, options.limits ?? defaultLimits);
  const reference = parseImageReference(input);
  const source = imageSources.find((candidate) => candidate.kind === reference.kind);
  if (!source) throw new TypeError(`no image source for ${reference.kind}`);
  const platform = options.platform !== undefined ? parsePlatform(options.platform) : defaultPlatform;
  const limits = options.limits ?? defaultLimits;
  const deadline = startImageDeadline(input, limits, options.signal);
  let image: Image;
  try {
    image = await source.open(reference, {
      platform,
      platformExplicit: options.platform !== undefined,
      limits,
      logger: options.logger ?? silentLogger,
      insecureRegistries: options.insecureRegistries ?? [],
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      signal: deadline.signal,
      ...(options.cache ? { cache: options.cache } : {}),
      ...(options.hostPolicy ? { hostPolicy: options.hostPolicy } : {}),
    });
  } catch (error) {
    deadline.clear();
    throw error;
  }
  const dispose = image[Symbol.asyncDispose].bind(image);
  return Object.assign(image, {
    async [Symbol.asyncDispose]() {
      deadline.clear();
      await dispose();
    },
  });
}
