import { type Digest, digestAlgorithm, digestHex, SgciError, verifyChunks, verifyDigest } from '../../core/index.ts';
import {
  type AssembledImage,
  assembleImage,
  type ContentDescriptor,
  checkDeclaredSize,
  type Descriptor,
  type ImageContent,
  ImageIndex,
  imageEntries,
  selectPlatform,
  toContentDescriptor,
} from '../image/index.ts';
import type { ImageSourceDescription } from '../types.ts';
import type { LayoutFiles } from './layout-files.ts';
import type { SourceOptions } from './options.ts';

/** The annotation an OCI layout's index.json uses to tag an image (what `oci-dir:PATH:TAG` selects). */
export const refNameAnnotation = 'org.opencontainers.image.ref.name';

function blobName(digest: Digest): string {
  return `blobs/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

/** Verified, content-addressed reads from `blobs/<alg>/<hex>` of a layout. */
export function layoutContent(files: LayoutFiles, close: () => Promise<void> = async () => {}): ImageContent {
  const input = files.input;
  const readVerified = async (descriptor: ContentDescriptor, maxBytes: number): Promise<Uint8Array> => {
    checkDeclaredSize(descriptor, maxBytes, input, 'blob');
    const bytes = await files.read(blobName(descriptor.digest), maxBytes);
    if (!bytes) throw new SgciError('SOURCE_NOT_FOUND', input, `blob ${descriptor.digest} is missing from the layout`);
    verifyDigest(bytes, descriptor.digest, input);
    if (descriptor.size !== undefined && bytes.length !== descriptor.size) {
      throw new SgciError(
        'DIGEST_MISMATCH',
        input,
        `blob ${descriptor.digest} has ${bytes.length} bytes, descriptor says ${descriptor.size}`,
      );
    }
    return bytes;
  };
  return {
    async manifest(descriptor, maxBytes) {
      return {
        digest: descriptor.digest,
        mediaType: descriptor.mediaType,
        bytes: await readVerified(descriptor, maxBytes),
      };
    },
    blobBytes: readVerified,
    async openBlob(descriptor) {
      return verifyChunks(await files.open(blobName(descriptor.digest)), descriptor.digest, input, descriptor.size);
    },
    [Symbol.asyncDispose]: close,
  };
}

async function readIndex(files: LayoutFiles, maxBytes: number): Promise<ImageIndex> {
  const input = files.input;
  const layout = await files.read('oci-layout', 4096);
  if (!layout) throw new SgciError('SOURCE_NOT_FOUND', input, 'not an OCI image layout (no oci-layout file)');
  let version: unknown;
  try {
    version = (JSON.parse(Buffer.from(layout).toString('utf8')) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
  } catch {
    version = undefined;
  }
  if (typeof version !== 'string' || !version.startsWith('1.')) {
    throw new SgciError('MANIFEST_INVALID', input, 'oci-layout file has no imageLayoutVersion 1.x');
  }
  const bytes = await files.read('index.json', maxBytes);
  if (!bytes) throw new SgciError('SOURCE_NOT_FOUND', input, 'OCI image layout has no index.json');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SgciError('MANIFEST_INVALID', input, `index.json is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ImageIndex.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SgciError(
      'MANIFEST_INVALID',
      input,
      `index.json is invalid: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema mismatch'}`,
    );
  }
  return parsed.data;
}

/** The index.json entries that `tag` names (all entries when no tag is given). */
export function entriesForTag(index: ImageIndex, tag: string | undefined, input: string): Descriptor[] {
  const images = imageEntries(index);
  const tags = [...new Set(images.flatMap((e) => e.annotations?.[refNameAnnotation] ?? []))].sort();
  if (tag !== undefined) {
    const tagged = images.filter((entry) => entry.annotations?.[refNameAnnotation] === tag);
    if (tagged.length === 0) {
      throw new SgciError(
        'SOURCE_NOT_FOUND',
        input,
        `no image tagged ${JSON.stringify(tag)}; tags: ${tags.join(', ') || 'none'}`,
      );
    }
    return tagged;
  }
  if (images.length === 0) throw new SgciError('SOURCE_NOT_FOUND', input, 'the layout holds no image manifest');
  if (tags.length > 1) {
    throw new SgciError(
      'USAGE',
      input,
      `the layout holds several images; add :TAG to pick one (tags: ${tags.join(', ')})`,
    );
  }
  return images;
}

/** Opens the image an OCI layout (directory or tar) holds under `tag`, for the wanted platform. */
export async function openOciLayout(
  files: LayoutFiles,
  source: ImageSourceDescription,
  tag: string | undefined,
  options: SourceOptions,
  close?: () => Promise<void>,
): Promise<AssembledImage> {
  const input = files.input;
  const index = await readIndex(files, options.limits.maxManifestBytes);
  const entries = entriesForTag(index, tag, input);
  // Several entries under one name are the platforms of one image, as `skopeo copy --all` writes them.
  const entry = entries.length === 1 ? entries[0]! : selectPlatform(entries, options.platform, input);
  const content = layoutContent(files, close);
  const start = await content.manifest(toContentDescriptor(entry, input), options.limits.maxManifestBytes);
  return assembleImage(content, start, source, options);
}
