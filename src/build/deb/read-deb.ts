import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { describe, isSgciError, type Limits, SgciError } from '../../core/index.ts';
import { decompressChunks, type TarHeader, TarParser } from '../../oci/layer/index.ts';
import { type ArMember, readArMembers } from './ar.ts';

/** One entry of a package's data.tar, with the bytes of a regular file. */
export interface DebEntry {
  readonly header: TarHeader;
  readonly content?: Buffer;
}

/** What dpkg reads from control.tar: the stanza, the checksums and the names of the maintainer scripts present. */
export interface DebControl {
  readonly control: string;
  readonly md5sums?: string;
  readonly conffiles?: string;
  /** dpkg triggers the package activates or waits for (`activate-noawait ldconfig`). */
  readonly triggers?: string;
  readonly scripts: readonly string[];
}

export interface Deb {
  readonly control: DebControl;
  /** data.tar's entries in archive order. */
  readonly entries: readonly DebEntry[];
  /** The compression of data.tar, for the report. */
  readonly dataCompression: string;
}

const maintainerScripts = new Set(['preinst', 'postinst', 'prerm', 'postrm', 'config', 'triggers']);
const maxControlBytes = 16 * 1024 * 1024;

/** The Xz stream class of xz-decompress, loaded on first use: a build whose packages come expanded never pays for it. */
type XzStream = new (source: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
let xzStream: XzStream | undefined;

// xz-decompress is xz-embedded compiled to WebAssembly: streaming, no native build, same bytes on every platform.
// It is loaded through require because it is a CommonJS bundle without named ESM exports.
function loadXz(): XzStream {
  xzStream ??= (createRequire(import.meta.url)('xz-decompress') as { XzReadableStream: XzStream }).XzReadableStream;
  return xzStream;
}

type MemberCompression = 'gzip' | 'xz' | 'zstd' | 'none';

function memberCompression(name: string, stem: string, input: string): MemberCompression {
  const suffix = name.slice(stem.length);
  if (suffix === '') return 'none';
  if (suffix === '.gz') return 'gzip';
  if (suffix === '.xz') return 'xz';
  if (suffix === '.zst') return 'zstd';
  throw new SgciError('ARCHIVE_INVALID', input, `${name}: unsupported compression (gz, xz, zst or none)`);
}

/** The member's bytes in slices, as a file stream would deliver them: the decompressors work chunk by chunk. */
function slices(data: Buffer): Readable {
  const size = 256 * 1024;
  return Readable.from(
    Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)),
    { objectMode: false },
  );
}

/** The member's bytes decompressed, in chunks that nothing writes to afterwards (they are kept until joined). */
async function* decompressed(member: ArMember, compression: MemberCompression): AsyncGenerator<Uint8Array> {
  if (compression === 'none') yield member.data;
  else if (compression === 'xz')
    yield* new (loadXz())(
      Readable.toWeb(slices(member.data)) as ReadableStream<Uint8Array>,
    ) as AsyncIterable<Uint8Array>;
  // decompressChunks writes every chunk into one output buffer: copy each before the next overwrites it
  else
    for await (const chunk of decompressChunks(slices(member.data) as AsyncIterable<Buffer>, compression))
      yield Buffer.copyBytesFrom(chunk);
}

/**
 * A .deb's two tars decompressed, as `dpkg-deb --ctrl-tarfile` and `--fsys-tarfile` would print them: what the
 * expanded cache keeps so that a later build skips the decompression.
 */
export interface ExpandedDeb {
  readonly control: Buffer;
  readonly data: Buffer;
  /** The compression data.tar had in the .deb, for the report. */
  readonly dataCompression: string;
}

/** Room for tar headers, padding and the end-of-archive blocks beyond the file data a tar may hold. */
function tarBound(maxFileBytes: number, limits: Limits): number {
  return maxFileBytes + (limits.maxEntries + 2) * 1536 + 1024 * 1024;
}

/** The most bytes a .deb's two tars may decompress to together. */
export function maxExpandedBytes(limits: Limits): number {
  return tarBound(maxControlBytes, limits) + tarBound(limits.maxLayerBytes, limits);
}

/**
 * The decompressed member in one buffer of its own (never a slice of Node's shared pool, so it can be transferred
 * to another thread), refused past `maxBytes`: a small package must not unpack to unbounded bytes.
 */
async function decompressedMember(
  member: ArMember,
  compression: MemberCompression,
  input: string,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of decompressed(member, compression)) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new SgciError('LIMIT_EXCEEDED', input, `decompresses to more than ${maxBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (isSgciError(error)) throw error;
    throw new SgciError('ARCHIVE_INVALID', input, `cannot decompress: ${describe(error)}`, { cause: error });
  }
  const out = Buffer.allocUnsafeSlow(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Opens a .deb the way `dpkg-deb --fsys-tarfile` and `--control` do: the ar members in dpkg's order
 * (debian-binary 2.x, control.tar, data.tar; `_`-prefixed members skipped), each tar decompressed.
 * The file is read once; with `sha256` (from the repository's index) those bytes are checked before any is parsed,
 * so what is unpacked is what was verified, whatever happens to the file meanwhile.
 */
export async function expandDeb(path: string, input: string, limits: Limits, sha256?: string): Promise<ExpandedDeb> {
  let archive: Buffer;
  try {
    const { size } = await stat(path);
    if (size > limits.maxBlobBytes)
      throw new SgciError('LIMIT_EXCEEDED', input, `${size} bytes, more than ${limits.maxBlobBytes}`);
    archive = await readFile(path);
  } catch (error) {
    if (isSgciError(error)) throw error;
    throw new SgciError('IO_ERROR', input, `cannot read: ${describe(error)}`, { cause: error });
  }
  if (sha256 !== undefined) {
    const actual = createHash('sha256').update(archive).digest('hex');
    if (actual !== sha256)
      throw new SgciError('DIGEST_MISMATCH', input, `sha256 ${actual} differs from the index's ${sha256}`);
  }
  const members = readArMembers(archive, input).filter((m) => !m.name.startsWith('_'));
  const [binary, controlMember, dataMember] = members;
  if (binary?.name !== 'debian-binary' || !controlMember?.name.startsWith('control.tar'))
    throw new SgciError('ARCHIVE_INVALID', input, 'expected the members debian-binary, control.tar, data.tar');
  if (!dataMember?.name.startsWith('data.tar'))
    throw new SgciError('ARCHIVE_INVALID', input, 'no data.tar member after control.tar');
  const version = binary.data.toString('latin1', 0, 64);
  if (!/^2\.\d+\n/.test(version))
    throw new SgciError('ARCHIVE_INVALID', input, `unsupported format version ${JSON.stringify(version.trim())}`);
  if (controlMember.data.length > maxControlBytes)
    throw new SgciError('LIMIT_EXCEEDED', input, `control.tar larger than ${maxControlBytes} bytes`);
  const dataCompression = memberCompression(dataMember.name, 'data.tar', input);
  const control = await decompressedMember(
    controlMember,
    memberCompression(controlMember.name, 'control.tar', input),
    `${input} control.tar`,
    tarBound(maxControlBytes, limits),
  );
  const data = await decompressedMember(
    dataMember,
    dataCompression,
    `${input} data.tar`,
    tarBound(limits.maxLayerBytes, limits),
  );
  return { control, data, dataCompression };
}

/**
 * The package from its decompressed tars, parsed with the same tar reader the image layers use; regular files'
 * bytes are views into `expanded.data`. Nothing is written to disk and nothing runs.
 */
export async function parseExpandedDeb(expanded: ExpandedDeb, input: string, limits: Limits): Promise<Deb> {
  const controlEntries = await readTar(single(expanded.control), `${input} control.tar`, limits, maxControlBytes);
  const entries = await readTar(single(expanded.data), `${input} data.tar`, limits, limits.maxLayerBytes);
  return { control: controlFiles(controlEntries, input), entries, dataCompression: expanded.dataCompression };
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** A .deb opened (`expandDeb`) and parsed (`parseExpandedDeb`). */
export async function readDeb(path: string, input: string, limits: Limits, sha256?: string): Promise<Deb> {
  return parseExpandedDeb(await expandDeb(path, input, limits, sha256), input, limits);
}

/** All entries of one tar stream, regular files with their bytes; at most `maxBytes` of file data. */
export async function readTar(
  chunks: AsyncIterable<Uint8Array>,
  input: string,
  limits: Limits,
  maxBytes: number,
): Promise<DebEntry[]> {
  const entries: DebEntry[] = [];
  let current: TarHeader | undefined;
  let parts: Buffer[] = [];
  let total = 0;
  const parser = new TarParser(
    {
      onEntry(header) {
        if (entries.length >= limits.maxEntries)
          throw new SgciError('LIMIT_EXCEEDED', input, `more than ${limits.maxEntries} entries`);
        current = header;
        parts = [];
        total += header.size;
        if (total > maxBytes) throw new SgciError('LIMIT_EXCEEDED', input, `more than ${maxBytes} bytes of files`);
        return header.type === 'file';
      },
      onData(data) {
        // a view, not a copy: `decompressed` hands over chunks nothing writes to again
        parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      },
      onEntryEnd() {
        if (current === undefined) return;
        const content = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
        entries.push(current.type === 'file' ? { header: current, content } : { header: current });
        current = undefined;
      },
    },
    limits,
    input,
    'package',
  );
  try {
    // read to the end even past the end-of-archive blocks: cancelling xz-decompress early fails inside the module
    for await (const chunk of chunks) parser.write(chunk);
    parser.end();
  } catch (error) {
    if (isSgciError(error)) throw error;
    throw new SgciError('ARCHIVE_INVALID', input, `cannot decompress: ${describe(error)}`, { cause: error });
  }
  return entries;
}

/** The files of a package that describe it rather than make it work: copyright and os-release. */
const describingPath = /^(?:\.\/|\/)?(?:usr\/share\/doc\/[^/]+\/copyright|usr\/lib\/os-release|etc\/os-release)$/;

/**
 * The package as its SBOM entry needs it: the control stanza and the describing files only, so a build can keep
 * them from its one read of the .deb for the SBOM without keeping every file.
 */
export function describingPart(deb: Deb): Deb {
  const entries: DebEntry[] = [];
  // copies: a view would keep the package's whole data.tar alive for as long as the SBOM needs these few files
  for (const { header, content } of deb.entries)
    if (content !== undefined && describingPath.test(header.path))
      entries.push({ header, content: Buffer.copyBytesFrom(content) });
  return { ...deb, entries };
}

function controlFiles(entries: readonly DebEntry[], input: string): DebControl {
  const files = new Map<string, string>();
  const scripts: string[] = [];
  for (const { header, content } of entries) {
    const name = header.path.replace(/^\.?\//, '');
    if (content !== undefined) files.set(name, content.toString('utf8'));
    if (maintainerScripts.has(name)) scripts.push(name);
  }
  const control = files.get('control');
  if (control === undefined) throw new SgciError('ARCHIVE_INVALID', input, 'control.tar has no control file');
  return {
    control,
    ...(files.has('md5sums') ? { md5sums: files.get('md5sums') } : {}),
    ...(files.has('conffiles') ? { conffiles: files.get('conffiles') } : {}),
    ...(files.has('triggers') ? { triggers: files.get('triggers') } : {}),
    scripts: scripts.sort(),
  };
}
