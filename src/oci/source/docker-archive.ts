import { createHash } from 'node:crypto';
import { type Digest, digestOf, isDigest, SgciError, verifyChunks } from '../../core/index.ts';
import {
  type AssembledImage,
  assembleImage,
  type ImageContent,
  type ImageManifest,
  mediaTypes,
} from '../image/index.ts';
import type { ImageSourceDescription } from '../types.ts';
import type { SourceOptions } from './options.ts';
import { type DockerArchiveEntry, DockerArchiveManifest } from './schema.ts';
import type { ArchiveReader, TarMember } from './tar-index.ts';

/** Docker's own media type for an uncompressed layer (docker save stores layers uncompressed). */
export const dockerLayerTar = 'application/vnd.docker.image.rootfs.diff.tar';

/** The digest a member's name claims: `<hex>.tar`, `<hex>.json`, `blobs/sha256/<hex>` (docker save 25+). */
export function digestFromMemberName(name: string): Digest | undefined {
  // `<id>/layer.tar` of the legacy format is deliberately not here: that id is not a content hash.
  const match = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name) ?? /^([a-f0-9]{64})\.(?:tar|json)$/.exec(name);
  const digest = match ? `sha256:${match[1]}` : undefined;
  return digest !== undefined && isDigest(digest) ? digest : undefined;
}

function pickEntry(entries: DockerArchiveManifest, tag: string | undefined, input: string): DockerArchiveEntry {
  const allTags = entries.flatMap((e) => e.RepoTags ?? []);
  if (tag === undefined) {
    if (entries.length === 1) return entries[0]!;
    throw new SgciError(
      'USAGE',
      input,
      `the archive holds ${entries.length} images; add :TAG to pick one (tags: ${allTags.join(', ') || 'none'})`,
    );
  }
  const exact = entries.filter((e) => e.RepoTags?.includes(tag));
  const byTagPart = entries.filter((e) => e.RepoTags?.some((t) => t.slice(t.lastIndexOf(':') + 1) === tag));
  const found = exact.length > 0 ? exact : byTagPart;
  if (found.length === 1) return found[0]!;
  throw new SgciError(
    found.length === 0 ? 'SOURCE_NOT_FOUND' : 'USAGE',
    input,
    found.length === 0
      ? `no image tagged ${JSON.stringify(tag)}; tags: ${allTags.join(', ') || 'none'}`
      : `tag ${JSON.stringify(tag)} matches ${found.length} images; name it fully (tags: ${allTags.join(', ')})`,
  );
}

async function hashMember(index: ArchiveReader, member: TarMember): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of index.stream(member)) hash.update(chunk);
  return `sha256:${hash.digest('hex')}` as Digest;
}

async function sniffMediaType(index: ArchiveReader, member: TarMember): Promise<string> {
  const head = await index.head(member, 4);
  if (head[0] === 0x1f && head[1] === 0x8b) return mediaTypes.dockerLayerGzip;
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return mediaTypes.ociLayerZstd;
  return dockerLayerTar;
}

/**
 * Opens a `docker save` archive. It has no registry manifest, so sgci synthesises a Docker v2 one
 * from manifest.json: each layer's digest is the sha256 of the file as stored (taken from its name
 * when the name is a digest, and then verified while streaming; otherwise hashed here), and the media
 * type follows the file's magic bytes.
 */
export async function openDockerArchive(
  index: ArchiveReader,
  source: ImageSourceDescription,
  tag: string | undefined,
  options: SourceOptions,
): Promise<AssembledImage> {
  const input = index.input;
  const limits = options.limits;
  const manifestMember = index.lookup('manifest.json');
  if (!manifestMember) {
    throw new SgciError(
      'SOURCE_NOT_FOUND',
      input,
      'not a docker-archive (no manifest.json; an OCI archive needs oci-archive:)',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(
      Buffer.from(await index.read(manifestMember, limits.maxManifestBytes, 'manifest.json')).toString('utf8'),
    );
  } catch (error) {
    if (error instanceof SgciError) throw error;
    throw new SgciError('MANIFEST_INVALID', input, `manifest.json is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = DockerArchiveManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SgciError(
      'MANIFEST_INVALID',
      input,
      `manifest.json is invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  const entry = pickEntry(parsed.data, tag, input);

  const configMember = index.lookup(entry.Config);
  if (!configMember)
    throw new SgciError('SOURCE_NOT_FOUND', input, `config ${entry.Config} is missing from the archive`);
  const configBytes = await index.read(configMember, limits.maxManifestBytes, 'config');
  const configDigest = digestOf(configBytes);
  const claimedConfig = digestFromMemberName(configMember.name);
  if (claimedConfig && claimedConfig !== configDigest) {
    throw new SgciError(
      'DIGEST_MISMATCH',
      input,
      `config ${configMember.name} does not match digest ${claimedConfig} (got ${configDigest})`,
    );
  }

  const members = new Map<Digest, TarMember>();
  const hashed = new Map<string, Digest>();
  const layers: ImageManifest['layers'] = [];
  for (const name of entry.Layers) {
    const member = index.lookup(name);
    if (!member) throw new SgciError('SOURCE_NOT_FOUND', input, `layer ${name} is missing from the archive`);
    if (member.size > limits.maxBlobBytes) {
      throw new SgciError(
        'LIMIT_EXCEEDED',
        input,
        `layer ${name} (${member.size} bytes) exceeds ${limits.maxBlobBytes}`,
      );
    }
    // Hashed once per file: a hostile manifest.json may list one big layer many times.
    let digest = digestFromMemberName(member.name) ?? hashed.get(member.name);
    if (digest === undefined) {
      digest = await hashMember(index, member);
      hashed.set(member.name, digest);
    }
    members.set(digest, member);
    layers.push({ mediaType: await sniffMediaType(index, member), size: member.size, digest });
  }
  const manifest = {
    schemaVersion: 2 as const,
    mediaType: mediaTypes.dockerManifest,
    config: { mediaType: mediaTypes.dockerConfig, size: configBytes.length, digest: configDigest },
    layers,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const content: ImageContent = {
    async manifest(descriptor) {
      throw new SgciError('MANIFEST_INVALID', input, `docker-archive has no manifest ${descriptor.digest}`);
    },
    async blobBytes(descriptor) {
      if (descriptor.digest !== configDigest) {
        throw new SgciError('SOURCE_NOT_FOUND', input, `blob ${descriptor.digest} is not in the archive`);
      }
      return configBytes;
    },
    async openBlob(descriptor) {
      const member = members.get(descriptor.digest);
      if (!member) throw new SgciError('SOURCE_NOT_FOUND', input, `blob ${descriptor.digest} is not in the archive`);
      return verifyChunks(index.stream(member), descriptor.digest, input, member.size);
    },
    [Symbol.asyncDispose]: () => index.close(),
  };
  return assembleImage(
    content,
    { digest: digestOf(manifestBytes), mediaType: mediaTypes.dockerManifest, bytes: manifestBytes },
    source,
    options,
  );
}
