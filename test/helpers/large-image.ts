/**
 * A deterministic synthetic image of any size as an OCI layout, for memory and linearity measurements
 * (issue 17: "a synthetic 2 GB image, many layers, 300,000 files, some 500 MB files"). Scale 1 is that
 * image; smaller scales shrink every count and size by the same factor, so time and memory can be
 * compared per layer byte.
 *
 * Everything streams: each layer is generated entry by entry, gzip-compressed (level 1, for generation
 * speed; decompression costs the same at any level) and hashed on the way to disk, so no layer or file is
 * ever held in memory. Layouts are cached under the fixtures directory keyed by the generator version and
 * the scale; a new layout is written beside and renamed into place, so a half-written one is never used.
 *
 * Content, per layer: small files of three kinds (text cut from a word corpus, random bytes, JSON),
 * package databases the catalogers read (dpkg status, npm package.json, Python METADATA), whiteouts of
 * files of the layer below and an opaque directory, and one big file per big-file layer (random bytes, or
 * half text half random).
 */
import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { fixturesDir } from './fixtures.ts';
import { writeLayoutIndex } from './synthetic-image.ts';

/** Bump when the bytes generated for a scale change: cached layouts of older versions are not reused. */
export const largeImageGeneratorVersion = 2;

const MiB = 1024 * 1024;

export interface LargeImageSpec {
  /** Uncompressed tar bytes over all layers, roughly (headers and padding come on top). */
  readonly bytes: number;
  /** Regular files over all layers. */
  readonly files: number;
  /** Size of each big file; one big file per big-file layer. */
  readonly bigFileBytes: number;
  readonly layers: number;
}

const bigFileLayers = [3, 4] as const;

/** Scale 1: 2 GiB, 300,000 files, two 500 MiB files, six layers. */
export function largeImageSpec(scale: number): LargeImageSpec {
  return {
    bytes: Math.round(2048 * MiB * scale),
    files: Math.round(300_000 * scale),
    bigFileBytes: Math.round(500 * MiB * scale),
    layers: 6,
  };
}

/** A generated image: its OCI layout and what a benchmark divides by. */
export interface LargeImage {
  readonly dir: string;
  /** The compressed layer blobs, base first (what `gzip -dc` reads for the floor). */
  readonly blobs: readonly string[];
  /** Uncompressed tar bytes over all layers: the work a pass over the image does. */
  readonly layerBytes: number;
  readonly spec: LargeImageSpec;
}

/** Beside the layout: the uncompressed size of each layer, measured while it was written. */
const infoFile = 'large-image.json';

/** The image at `scale`, generated on first use. */
export async function largeImage(scale: number): Promise<LargeImage> {
  const root = join(fixturesDir(), 'bench-large', `v${largeImageGeneratorVersion}`);
  const dir = join(root, `scale-${scale}`);
  if (!existsSync(join(dir, infoFile))) {
    const partial = `${dir}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await writeLayout(partial, largeImageSpec(scale));
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  }
  const info = JSON.parse(await readFile(join(dir, infoFile), 'utf8')) as {
    layers: { digest: string; tarBytes: number }[];
  };
  return {
    dir,
    blobs: info.layers.map((layer) => join(dir, 'blobs', ...layer.digest.split(':'))),
    layerBytes: info.layers.reduce((sum, layer) => sum + layer.tarBytes, 0),
    spec: largeImageSpec(scale),
  };
}

interface BlobRef {
  readonly digest: string;
  readonly size: number;
}

async function writeLayout(dir: string, spec: LargeImageSpec): Promise<void> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const layers: BlobRef[] = [];
  const diffIds: string[] = [];
  const tarBytes: number[] = [];
  for (let index = 0; index < spec.layers; index++) {
    const { blob, diffId, uncompressedBytes } = await writeLayer(blobs, layerEntries(spec, index));
    layers.push(blob);
    diffIds.push(diffId);
    tarBytes.push(uncompressedBytes);
  }
  const config = jsonBlob({
    architecture: 'amd64',
    os: 'linux',
    config: { User: '1000', Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created_by: `synthetic layer ${i}` })),
  });
  const manifest = jsonBlob({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
  });
  for (const blob of [config, manifest]) await writeFile(join(blobs, blob.digest.slice('sha256:'.length)), blob.bytes);
  await writeFile(
    join(dir, infoFile),
    JSON.stringify({ spec, layers: layers.map((layer, i) => ({ digest: layer.digest, tarBytes: tarBytes[i] })) }),
  );
  await writeLayoutIndex(dir, manifest, 'latest');
}

function jsonBlob(value: unknown): BlobRef & { bytes: Buffer } {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length };
}

/** Passes bytes through, hashing them. */
class Hashing extends Transform {
  readonly hash: Hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
}

async function writeLayer(
  blobs: string,
  tar: AsyncIterable<Buffer>,
): Promise<{ blob: BlobRef; diffId: string; uncompressedBytes: number }> {
  const temp = join(blobs, `layer-${process.pid}.tmp`);
  const uncompressed = new Hashing();
  const compressed = new Hashing();
  await pipeline(
    Readable.from(tar, { objectMode: false }),
    uncompressed,
    createGzip({ level: 1 }),
    compressed,
    createWriteStream(temp),
  );
  const hex = compressed.hash.digest('hex');
  await rename(temp, join(blobs, hex));
  return {
    blob: { digest: `sha256:${hex}`, size: compressed.size },
    diffId: `sha256:${uncompressed.hash.digest('hex')}`,
    uncompressedBytes: uncompressed.size,
  };
}

/** A small, fast, seeded generator (mulberry32): the same scale always gives the same bytes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words =
  'the of and to in is for on that with as by this be are from or at it an not which have has config value server path user service package install library module default error warning info debug option enable disable version system network file directory process thread memory cache buffer stream request response client handler'.split(
    ' ',
  );

/** 256 KiB of word text: small text files are cut from it, so they compress like prose does. */
const corpus: Buffer = (() => {
  const next = random(7);
  const parts: string[] = [];
  let length = 0;
  while (length < 256 * 1024) {
    let line = '';
    const n = 4 + Math.floor(next() * 12);
    for (let i = 0; i < n; i++) line += `${words[Math.floor(next() * words.length)]} `;
    line = `${line.trimEnd()}\n`;
    parts.push(line);
    length += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, 256 * 1024);
})();

/** Incompressible bytes, deterministic by seed: AES-CTR over zeros. */
function randomBytes(seed: number): (length: number) => Buffer {
  const key = Buffer.alloc(16);
  key.writeUInt32BE(seed >>> 0, 0);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return (length) => cipher.update(Buffer.alloc(length));
}

const tarBlock = 512;
const fixedMtime = 1_747_699_200;

/** A ustar header; paths up to 255 bytes go through the prefix field. */
function header(path: string, type: '0' | '5' | '2', size: number, mode: number, link = ''): Buffer {
  const h = Buffer.alloc(tarBlock);
  let name = path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = path.lastIndexOf('/', 155);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
  }
  h.write(name, 0, 100, 'utf8');
  h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write(`${fixedMtime.toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  h.write(type, 156, 'latin1');
  h.write(link, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 'latin1');
  h.write(prefix, 345, 155, 'utf8');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function padding(size: number): Buffer {
  return Buffer.alloc((tarBlock - (size % tarBlock)) % tarBlock);
}

function* file(path: string, content: Buffer, mode = 0o644): Generator<Buffer> {
  yield header(path, '0', content.length, mode);
  yield content;
  yield padding(content.length);
}

function* dir(path: string): Generator<Buffer> {
  yield header(`${path}/`, '5', 0, 0o755);
}

/** Directories of a layer's small files and how many files each holds. */
const filesPerDirectory = 250;

/** Small files of a layer: text, random bytes and JSON, of sizes averaging `average`. */
function* smallFiles(layer: number, count: number, average: number): Generator<Buffer> {
  const next = random(1000 + layer);
  const bytes = randomBytes(2000 + layer);
  for (let i = 0; i < count; i++) {
    if (i % filesPerDirectory === 0) yield* dir(`usr/share/synth/l${layer}/d${i / filesPerDirectory}`);
    const base = `usr/share/synth/l${layer}/d${Math.floor(i / filesPerDirectory)}/f${i}`;
    const size = Math.floor(next() * 2 * average);
    const kind = next();
    if (kind < 0.7) {
      const start = Math.floor(next() * (corpus.length - 1));
      const text = Buffer.concat([Buffer.from(`# ${base}\n`), corpus.subarray(start, start + size)]);
      yield* file(`${base}.txt`, text);
    } else if (kind < 0.9) {
      yield* file(`${base}.bin`, bytes(size), 0o755);
    } else {
      yield* file(`${base}.json`, Buffer.from(JSON.stringify({ id: i, layer, name: base, enabled: kind < 0.95 })));
    }
  }
}

function* dpkgStatus(packages: number): Generator<Buffer> {
  yield* dir('etc');
  yield* file(
    'etc/os-release',
    Buffer.from('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n'),
  );
  yield* dir('var');
  yield* dir('var/lib');
  yield* dir('var/lib/dpkg');
  const stanzas: string[] = [];
  for (let i = 0; i < packages; i++) {
    stanzas.push(
      `Package: synth-${i}\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: ${10 + (i % 900)}\nMaintainer: Synthetic <synthetic@example.org>\nArchitecture: amd64\nVersion: 1.${i % 17}.${i}-1\nDescription: synthetic package ${i}\n generated for the memory benchmark\n`,
    );
  }
  yield* file('var/lib/dpkg/status', Buffer.from(stanzas.join('\n')));
}

function* npmPackages(packages: number): Generator<Buffer> {
  yield* dir('usr/lib');
  yield* dir('usr/lib/node_modules');
  yield* dir('usr/lib/node_modules/app');
  yield* dir('usr/lib/node_modules/app/node_modules');
  for (let i = 0; i < packages; i++) {
    const at = `usr/lib/node_modules/app/node_modules/synth-${i}`;
    yield* dir(at);
    yield* file(
      `${at}/package.json`,
      Buffer.from(JSON.stringify({ name: `synth-${i}`, version: `1.${i % 13}.${i}`, license: 'MIT' })),
    );
    yield* file(`${at}/index.js`, Buffer.from(`module.exports = ${i};\n`));
  }
}

function* pythonPackages(packages: number): Generator<Buffer> {
  yield* dir('usr/lib/python3');
  yield* dir('usr/lib/python3/dist-packages');
  for (let i = 0; i < packages; i++) {
    const at = `usr/lib/python3/dist-packages/synth_${i}-1.${i % 7}.${i}.dist-info`;
    yield* dir(at);
    yield* file(
      `${at}/METADATA`,
      Buffer.from(`Metadata-Version: 2.1\nName: synth-${i}\nVersion: 1.${i % 7}.${i}\nLicense: MIT\n`),
    );
  }
}

/** One big file in 1 MiB chunks: random, or (`mixed`) half word text and half random per chunk. */
function* bigFile(path: string, size: number, seed: number, mixed: boolean): Generator<Buffer> {
  yield header(path, '0', size, 0o644);
  const bytes = randomBytes(seed);
  for (let at = 0; at < size; at += MiB) {
    const n = Math.min(MiB, size - at);
    if (!mixed) yield bytes(n);
    else {
      const half = Math.floor(n / 2);
      yield bytes(half);
      for (let t = 0; t < n - half; t += corpus.length) yield corpus.subarray(0, Math.min(corpus.length, n - half - t));
    }
  }
  yield padding(size);
}

/** The tar stream of layer `index`. */
async function* layerEntries(spec: LargeImageSpec, index: number): AsyncGenerator<Buffer> {
  const bigLayers = bigFileLayers.filter((l) => l < spec.layers).length;
  const packageFiles = Math.floor(spec.files / 150) + Math.floor(spec.files / 200) * 2 + Math.floor(spec.files / 400);
  const smallCount = Math.max(0, spec.files - packageFiles - bigLayers);
  const smallBytes = Math.max(0, spec.bytes - bigLayers * spec.bigFileBytes);
  const perLayer = Math.floor(smallCount / spec.layers);
  const average = smallCount === 0 ? 0 : Math.floor(smallBytes / smallCount);
  // batches keep the generator's own chunks near 64 KiB, so the pipeline is not per-header
  let batch: Buffer[] = [];
  let batched = 0;
  const flush = (): Buffer => {
    const out = Buffer.concat(batch);
    batch = [];
    batched = 0;
    return out;
  };
  for (const chunk of layerParts(spec, index, perLayer, average)) {
    if (chunk.length >= 64 * 1024) {
      if (batched > 0) yield flush();
      yield chunk;
      continue;
    }
    batch.push(chunk);
    batched += chunk.length;
    if (batched >= 64 * 1024) yield flush();
  }
  batch.push(Buffer.alloc(2 * tarBlock));
  yield flush();
}

function* layerParts(spec: LargeImageSpec, index: number, smallFilesPerLayer: number, average: number) {
  yield* dir('usr');
  yield* dir('usr/share');
  yield* dir('usr/share/synth');
  yield* dir(`usr/share/synth/l${index}`);
  if (index === 0) yield* dpkgStatus(Math.floor(spec.files / 150));
  if (index === 1) yield* npmPackages(Math.floor(spec.files / 200));
  if (index === 2) yield* pythonPackages(Math.floor(spec.files / 400));
  if ((bigFileLayers as readonly number[]).includes(index)) {
    yield* dir('opt');
    yield* bigFile(`opt/data-${index}.bin`, spec.bigFileBytes, 3000 + index, index % 2 === 0);
  }
  if (index > 0) {
    // whiteouts: every 50th file of the layer below, and one of its directories made opaque
    for (let i = 0; i < smallFilesPerLayer; i += 50) {
      const d = Math.floor(i / filesPerDirectory);
      yield* file(`usr/share/synth/l${index - 1}/d${d}/.wh.f${i}.txt`, Buffer.alloc(0));
    }
    if (smallFilesPerLayer > filesPerDirectory) {
      yield* dir(`usr/share/synth/l${index - 1}/d1`);
      yield* file(`usr/share/synth/l${index - 1}/d1/.wh..wh..opq`, Buffer.alloc(0));
    }
  }
  yield* smallFiles(index, smallFilesPerLayer, average);
}
