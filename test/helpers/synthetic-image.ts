/**
 * In-process synthetic images for filesystem tests: layers written with tar-stream (plus raw
 * header bytes for what tar-stream refuses to write: binary PAX values, broken checksums),
 * compressed in memory, served by Layer objects whose open() hands out the bytes. Nothing
 * touches the disk.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { type Digest, DigestVerifier, digestOf, parseDigest } from '../../src/core/index.ts';
import type { Layer } from '../../src/oci/types.ts';

export type SyntheticEntry =
  | {
      readonly path: string;
      readonly type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
      readonly content?: string | Uint8Array;
      readonly mode?: number;
      readonly uid?: number;
      readonly gid?: number;
      readonly linkTarget?: string;
      readonly pax?: Record<string, string>;
    }
  /** Bytes spliced into the tar as they are (hand-made headers). */
  | { readonly raw: Uint8Array };

const tarTypes = {
  file: 'file',
  dir: 'directory',
  symlink: 'symlink',
  hardlink: 'link',
  char: 'character-device',
  block: 'block-device',
  fifo: 'fifo',
} as const;

/** One tar archive with the entries in order, ending in the two zero blocks. */
export async function tarOf(entries: readonly SyntheticEntry[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if ('raw' in entry) {
      parts.push(Buffer.from(entry.raw));
      continue;
    }
    const archive = pack();
    const type = entry.type ?? 'file';
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : Buffer.from(entry.content ?? []);
    archive.entry(
      {
        name: entry.path,
        type: tarTypes[type],
        mode: entry.mode ?? (type === 'dir' ? 0o755 : 0o644),
        uid: entry.uid ?? 0,
        gid: entry.gid ?? 0,
        mtime: new Date(1_747_699_200_000),
        linkname: entry.linkTarget,
        size: type === 'file' ? content.length : 0,
        pax: entry.pax,
        ...(type === 'char' || type === 'block' ? { devmajor: 1, devminor: 3 } : {}),
      },
      type === 'file' ? content : Buffer.alloc(0),
    );
    archive.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(chunk as Buffer);
    const whole = Buffer.concat(chunks);
    parts.push(whole.subarray(0, whole.length - 1024)); // drop the end-of-archive blocks
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface RawHeaderFields {
  readonly path: string;
  readonly typeflag: string;
  readonly size?: number;
  readonly mode?: number;
  readonly linkpath?: string;
}

/** A ustar header with a correct checksum; `corruptChecksum` makes it wrong on purpose. */
export function rawHeader(fields: RawHeaderFields, corruptChecksum = false): Buffer {
  const h = Buffer.alloc(512);
  h.write(fields.path, 0, 100, 'utf8');
  h.write(`${(fields.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${(fields.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('15000000000\0', 136, 'latin1');
  h.write(fields.typeflag, 156, 'latin1');
  if (fields.linkpath) h.write(fields.linkpath, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  if (corruptChecksum) sum += 1;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** Data padded to the 512-byte block boundary. */
export function padded(data: Uint8Array): Buffer {
  const size = Math.ceil(data.length / 512) * 512;
  const out = Buffer.alloc(size);
  out.set(data);
  return out;
}

/** A PAX extended header (typeflag x) with binary-safe values, to precede the entry it describes. */
export function paxHeader(records: Record<string, string | Uint8Array>): Buffer {
  const bodies: Buffer[] = [];
  for (const [key, value] of Object.entries(records)) {
    const payload = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
    let length = payload.length + 1;
    while (String(length).length + payload.length !== length) length++;
    bodies.push(Buffer.concat([Buffer.from(String(length)), payload]));
  }
  const body = Buffer.concat(bodies);
  return Buffer.concat([rawHeader({ path: 'PaxHeaders/x', typeflag: 'x', size: body.length }), padded(body)]);
}

export type CompressionName = 'gzip' | 'zstd' | 'none';

export function compress(tar: Uint8Array, compression: CompressionName): Buffer {
  if (compression === 'gzip') return gzipSync(tar);
  if (compression === 'zstd') return zstdCompressSync(tar);
  return Buffer.from(tar);
}

export const mediaTypes: Record<CompressionName, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

export interface LayerOptions {
  readonly compression?: CompressionName;
  /** Media type to claim; default: the one matching the compression. */
  readonly mediaType?: string;
  /** diffID to claim; default: the sha256 of the tar; null: none. */
  readonly diffId?: Digest | null;
  /** Size of the chunks open() delivers, to exercise headers straddling chunks. */
  readonly chunkSize?: number;
}

/** A Layer serving `blob` (already compressed as it should be on the wire). */
export function layerFromBlob(
  index: number,
  blob: Uint8Array,
  tar: Uint8Array | undefined,
  options: LayerOptions = {},
): Layer {
  const compression = options.compression ?? 'gzip';
  const diffId = options.diffId === null ? undefined : (options.diffId ?? (tar ? digestOf(tar) : undefined));
  const chunkSize = options.chunkSize ?? 64 * 1024;
  return {
    index,
    digest: digestOf(blob),
    mediaType: options.mediaType ?? mediaTypes[compression],
    size: blob.length,
    diffId,
    async open() {
      const chunks: Buffer[] = [];
      for (let i = 0; i < blob.length; i += chunkSize) chunks.push(Buffer.from(blob.subarray(i, i + chunkSize)));
      return Readable.from(chunks, { objectMode: false });
    },
  };
}

/** Layers from entry lists, base first. */
export async function syntheticLayers(
  layers: readonly (readonly SyntheticEntry[])[],
  options: LayerOptions = {},
): Promise<Layer[]> {
  const out: Layer[] = [];
  for (const [index, entries] of layers.entries()) {
    const tar = await tarOf(entries);
    out.push(layerFromBlob(index, compress(tar, options.compression ?? 'gzip'), tar, options));
  }
  return out;
}

/**
 * The layers of an OCI image layout directory (index.json -> manifest -> config diff_ids ->
 * blobs), each verified against its digest while it streams. Deliberately tiny: the real
 * oci-dir source lives in src/oci/source; this only lets filesystem tests and the benchmark
 * read fixture images without depending on it.
 */
export async function ociLayoutLayers(dir: string, tag = 'latest'): Promise<Layer[]> {
  const blobPath = (digest: string) => join(dir, 'blobs', ...digest.split(':'));
  const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const index = (await readJson(join(dir, 'index.json'))) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const descriptor =
    index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag) ?? index.manifests[0];
  if (descriptor === undefined) throw new Error(`${dir}: index.json lists no manifest`);
  const manifest = (await readJson(blobPath(descriptor.digest))) as {
    config: { digest: string };
    layers: { digest: string; mediaType: string; size: number }[];
  };
  const config = (await readJson(blobPath(manifest.config.digest))) as { rootfs?: { diff_ids?: string[] } };
  return manifest.layers.map((descriptorOfLayer, index) => {
    const digest = parseDigest(descriptorOfLayer.digest);
    const diffId = config.rootfs?.diff_ids?.[index];
    return {
      index,
      digest,
      mediaType: descriptorOfLayer.mediaType,
      size: descriptorOfLayer.size,
      diffId: diffId === undefined ? undefined : parseDigest(diffId),
      async open() {
        const file = createReadStream(blobPath(digest), { highWaterMark: 256 * 1024 });
        return file.pipe(new DigestVerifier(digest, blobPath(digest), descriptorOfLayer.size));
      },
    };
  });
}

/** The `oci-layout` marker and an `index.json` naming one manifest under `tag`: the last step of writing a layout. */
export async function writeLayoutIndex(
  dir: string,
  manifest: { readonly digest: string; readonly size: number },
  tag: string,
): Promise<void> {
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifest.digest,
          size: manifest.size,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
}

/** An OCI image layout in `dir` (tagged `t`) of uncompressed tar layers, base first, with a minimal config. */
export async function writeLayout(dir: string, layers: readonly Buffer[]): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = async (bytes: Buffer): Promise<{ digest: Digest; size: number }> => {
    const digest = digestOf(bytes);
    await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };
  const layerDescriptors = [];
  for (const layer of layers) layerDescriptors.push(await put(layer));
  const config = await put(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: layerDescriptors.map((d) => d.digest) },
      }),
    ),
  );
  const manifest = await put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layerDescriptors.map((d) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...d })),
      }),
    ),
  );
  await writeLayoutIndex(dir, manifest, 't');
}
