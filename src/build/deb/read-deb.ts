import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
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

// xz-decompress is xz-embedded compiled to WebAssembly: streaming, no native build, same bytes on every platform.
// It is loaded through require because it is a CommonJS bundle without named ESM exports.
const { XzReadableStream } = createRequire(import.meta.url)('xz-decompress') as {
  XzReadableStream: new (source: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
};

type MemberCompression = 'gzip' | 'xz' | 'zstd' | 'none';

function memberCompression(name: string, stem: string, input: string): MemberCompression {
  const suffix = name.slice(stem.length);
  if (suffix === '') return 'none';
  if (suffix === '.gz') return 'gzip';
  if (suffix === '.xz') return 'xz';
  if (suffix === '.zst') return 'zstd';
  throw new SgciError('ARCHIVE_INVALID', input, `${name}: unsupported compression (gz, xz, zst or none)`);
}

async function* decompressed(source: Readable, compression: MemberCompression): AsyncGenerator<Uint8Array> {
  if (compression === 'none') yield* source as AsyncIterable<Buffer>;
  else if (compression === 'xz')
    yield* new XzReadableStream(Readable.toWeb(source) as ReadableStream<Uint8Array>) as AsyncIterable<Uint8Array>;
  else yield* decompressChunks(source as AsyncIterable<Buffer>, compression);
}

/**
 * Reads a .deb the way `dpkg-deb --fsys-tarfile` and `--control` do: the ar members in dpkg's order
 * (debian-binary 2.x, control.tar, data.tar; `_`-prefixed members skipped), each tar decompressed as it streams
 * and parsed with the same tar reader the image layers use. Nothing is written to disk and nothing runs.
 * The caller has verified the file's sha256 against the repository index before this opens it.
 */
export async function readDeb(path: string, input: string, limits: Limits): Promise<Deb> {
  const file = await open(path).catch((error: unknown) => {
    throw new SgciError('IO_ERROR', input, `cannot open: ${describe(error)}`, { cause: error });
  });
  try {
    const members = (await readArMembers(file, input)).filter((m) => !m.name.startsWith('_'));
    const [binary, controlMember, dataMember] = members;
    if (binary?.name !== 'debian-binary' || !controlMember?.name.startsWith('control.tar'))
      throw new SgciError('ARCHIVE_INVALID', input, 'expected the members debian-binary, control.tar, data.tar');
    if (!dataMember?.name.startsWith('data.tar'))
      throw new SgciError('ARCHIVE_INVALID', input, 'no data.tar member after control.tar');
    const version = (await readMember(file, binary)).toString('latin1');
    if (!/^2\.\d+\n/.test(version))
      throw new SgciError('ARCHIVE_INVALID', input, `unsupported format version ${JSON.stringify(version.trim())}`);
    if (controlMember.size > maxControlBytes)
      throw new SgciError('LIMIT_EXCEEDED', input, `control.tar larger than ${maxControlBytes} bytes`);
    // a stream of its own per member: one on the shared handle would close it when the reader stops early
    const memberStream = (member: ArMember) =>
      createReadStream(path, {
        start: member.offset,
        end: member.offset + member.size - 1,
        highWaterMark: 256 * 1024,
      });
    const controlCompression = memberCompression(controlMember.name, 'control.tar', input);
    const controlEntries = await readTar(
      decompressed(memberStream(controlMember), controlCompression),
      `${input} control.tar`,
      limits,
      maxControlBytes,
    );
    const dataCompression = memberCompression(dataMember.name, 'data.tar', input);
    const entries = await readTar(
      decompressed(memberStream(dataMember), dataCompression),
      `${input} data.tar`,
      limits,
      limits.maxLayerBytes,
    );
    return { control: controlFiles(controlEntries, input), entries, dataCompression };
  } finally {
    await file.close();
  }
}

async function readMember(file: import('node:fs/promises').FileHandle, member: ArMember): Promise<Buffer> {
  const bytes = Buffer.alloc(Math.min(member.size, 64));
  await file.read(bytes, 0, bytes.length, member.offset);
  return bytes;
}

/** All entries of one tar stream, regular files with their bytes; at most `maxBytes` of file data. */
async function readTar(
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
        parts.push(Buffer.from(data));
      },
      onEntryEnd() {
        if (current === undefined) return;
        entries.push(
          current.type === 'file' ? { header: current, content: Buffer.concat(parts) } : { header: current },
        );
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
    scripts: scripts.sort(),
  };
}
