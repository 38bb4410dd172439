import { type FileHandle, open } from 'node:fs/promises';
import { posix } from 'node:path';
import { type Chunks, describe, type Limits, readFileChunks, SgciError } from '../../core/index.ts';

/** One member of an uncompressed tar: where its data starts and how long it is. */
export interface TarMember {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  /** Byte offset of the data in the archive file. */
  readonly offset: number;
  readonly size: number;
  readonly linkTarget?: string;
}

/** Read access to the members of a tar archive, whether indexed in place or streamed from gzip. */
export interface ArchiveReader {
  readonly input: string;
  /** The regular file a name refers to, following symlinks and hardlinks inside the archive. */
  lookup(name: string): TarMember | undefined;
  names(): string[];
  /** Reads a member fully; LIMIT_EXCEEDED when it is larger than `maxBytes`. */
  read(member: TarMember, maxBytes: number, what: string): Promise<Uint8Array>;
  /** The first `length` bytes of a member (for magic-byte sniffing). */
  head(member: TarMember, length: number): Promise<Uint8Array>;
  /** The member's bytes; chunks may be reused buffers, valid until the next is asked for. */
  stream(member: TarMember): Chunks;
  /** Releases what the reader holds open (a paused decompression); reads after it start afresh. */
  close(): Promise<void>;
}

/** Where every ArchiveReader.read starts: a member over `maxBytes` is refused before a byte is read. */
export function refuseOversized(input: string, member: TarMember, maxBytes: number, what: string): void {
  if (member.size > maxBytes) {
    throw new SgciError('LIMIT_EXCEEDED', input, `${what} (${member.size} bytes) is larger than ${maxBytes} bytes`);
  }
}

/** Follows symlinks (relative to the link's directory) and hardlinks (archive-root paths) to a file. */
export function lookupMember(members: ReadonlyMap<string, TarMember>, name: string): TarMember | undefined {
  let current = normaliseMemberName(name);
  for (let hop = 0; hop <= maxLinkHops; hop++) {
    const member = members.get(current);
    if (!member) return undefined;
    if (member.type === 'file') return member;
    if (member.type === 'symlink' && member.linkTarget !== undefined) {
      current = normaliseMemberName(
        member.linkTarget.startsWith('/') ? member.linkTarget : posix.join(posix.dirname(current), member.linkTarget),
      );
    } else if (member.type === 'hardlink' && member.linkTarget !== undefined) {
      current = normaliseMemberName(member.linkTarget);
    } else {
      return undefined;
    }
  }
  return undefined;
}

const block = 512;
/** Symlink hops followed when looking a member up (docker save links layer.tar to the real file). */
const maxLinkHops = 8;

function corrupt(input: string, message: string): SgciError {
  return new SgciError('LAYER_CORRUPT', input, `archive is not a valid tar: ${message}`);
}

function cString(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return Buffer.from(end < 0 ? field : field.subarray(0, end)).toString('utf8');
}

/** Numeric header field: octal text, or base-256 when the high bit of the first byte is set (GNU). */
function numberField(bytes: Uint8Array, start: number, length: number, input: string): number {
  const first = bytes[start] ?? 0;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (bytes[i] ?? 0);
    if (!Number.isSafeInteger(value)) throw corrupt(input, 'size field out of range');
    return value;
  }
  const text = cString(bytes, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw corrupt(input, `bad octal number ${JSON.stringify(text)} in a header`);
  return Number.parseInt(text, 8);
}

function checksumOk(header: Uint8Array): boolean {
  const stored = Number.parseInt(cString(header, 148, 8).trim(), 8);
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return stored === sum;
}

/** Parses PAX records `LEN key=value\n`, keeping `path` and `linkpath`, the ones that name members. */
function parsePax(data: Uint8Array, input: string): { path?: string; linkpath?: string; size?: number } {
  const text = Buffer.from(data).toString('utf8');
  const result: { path?: string; linkpath?: string; size?: number } = {};
  let position = 0;
  while (position < text.length) {
    const space = text.indexOf(' ', position);
    if (space < 0) break;
    const length = Number.parseInt(text.slice(position, space), 10);
    if (!Number.isSafeInteger(length) || length <= space - position) throw corrupt(input, 'malformed PAX header');
    const record = text.slice(space + 1, position + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) {
      const key = record.slice(0, equals);
      const value = record.slice(equals + 1);
      if (key === 'path') result.path = value;
      else if (key === 'linkpath') result.linkpath = value;
      else if (key === 'size' && /^[0-9]+$/.test(value)) result.size = Number(value);
    }
    position += length;
  }
  return result;
}

/** `./a//b/` → `a/b`: archive writers differ in how they spell the same member. */
export function normaliseMemberName(name: string): string {
  const normal = posix.normalize(`/${name}`).slice(1);
  return normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/**
 * An index of an uncompressed tar file, built by reading only its headers; member data is then read
 * by byte range, so a multi-gigabyte archive is never extracted or read twice.
 */
export class TarIndex implements ArchiveReader {
  readonly path: string;
  readonly input: string;
  readonly #members: Map<string, TarMember>;

  private constructor(path: string, input: string, members: Map<string, TarMember>) {
    this.path = path;
    this.input = input;
    this.#members = members;
  }

  /** Reads every header of the tar at `path`; LIMIT_EXCEEDED / LAYER_CORRUPT on hostile framing. */
  static async open(path: string, input: string, limits: Limits): Promise<TarIndex> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new SgciError('SOURCE_NOT_FOUND', input, `cannot open archive: ${describe(error)}`, { cause: error });
    }
    try {
      const { size: fileSize, isFile } = await handle.stat().then((s) => ({ size: s.size, isFile: s.isFile() }));
      if (!isFile) throw new SgciError('SOURCE_NOT_FOUND', input, 'is not a regular file');
      const members = new Map<string, TarMember>();
      const header = new Uint8Array(block);
      let offset = 0;
      let count = 0;
      let longName: string | undefined;
      let longLink: string | undefined;
      let pax: ReturnType<typeof parsePax> = {};
      const readExactly = async (buffer: Uint8Array, at: number): Promise<number> => {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
        return bytesRead;
      };
      const readData = async (at: number, length: number, what: string): Promise<Uint8Array> => {
        if (length > limits.maxPaxHeaderBytes) {
          throw new SgciError(
            'LIMIT_EXCEEDED',
            input,
            `${what} of ${length} bytes exceeds ${limits.maxPaxHeaderBytes}`,
          );
        }
        const data = new Uint8Array(length);
        if ((await readExactly(data, at)) !== length) throw corrupt(input, `truncated ${what}`);
        return data;
      };
      for (;;) {
        const read = await readExactly(header, offset);
        if (read === 0) break; // EOF without end marker: tolerated, as GNU tar does
        if (read < block) throw corrupt(input, `truncated header at offset ${offset}`);
        if (header.every((byte) => byte === 0)) break;
        if (!checksumOk(header)) {
          if (offset === 0) throw corrupt(input, 'bad header checksum');
          throw corrupt(input, `bad header checksum at offset ${offset}`);
        }
        if (++count > limits.maxEntries) {
          throw new SgciError('LIMIT_EXCEEDED', input, `more than ${limits.maxEntries} archive members`);
        }
        const typeflag = String.fromCharCode(header[156] ?? 0);
        let size = numberField(header, 124, 12, input);
        if (pax.size !== undefined && typeflag !== 'x' && typeflag !== 'g') size = pax.size;
        const dataOffset = offset + block;
        if (dataOffset + size > fileSize)
          throw corrupt(input, `member at offset ${offset} runs past the end of the file`);
        const next = dataOffset + Math.ceil(size / block) * block;
        if (typeflag === 'x' || typeflag === 'g') {
          const parsed = parsePax(await readData(dataOffset, size, 'PAX header'), input);
          if (typeflag === 'x') pax = parsed;
        } else if (typeflag === 'L' || typeflag === 'K') {
          const text = cString(await readData(dataOffset, size, 'GNU long name'), 0, size);
          if (typeflag === 'L') longName = text;
          else longLink = text;
        } else {
          const magic = cString(header, 257, 6);
          const prefix = magic === 'ustar' ? cString(header, 345, 155) : '';
          const rawName =
            pax.path ?? longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
          const link = pax.linkpath ?? longLink ?? cString(header, 157, 100);
          if (rawName.length > limits.maxPathLength) {
            throw new SgciError('LIMIT_EXCEEDED', input, `member name longer than ${limits.maxPathLength} characters`);
          }
          const name = normaliseMemberName(rawName);
          const type: TarMember['type'] =
            typeflag === '0' || typeflag === '\0' || typeflag === '7'
              ? 'file'
              : typeflag === '5'
                ? 'dir'
                : typeflag === '2'
                  ? 'symlink'
                  : typeflag === '1'
                    ? 'hardlink'
                    : 'other';
          // A later member of the same name replaces the earlier one, as extraction would.
          members.set(name, {
            name,
            type,
            offset: dataOffset,
            size: type === 'file' ? size : 0,
            ...(type === 'symlink' || type === 'hardlink' ? { linkTarget: link } : {}),
          });
          pax = {};
          longName = undefined;
          longLink = undefined;
        }
        offset = next;
      }
      return new TarIndex(path, input, members);
    } finally {
      await handle.close();
    }
  }

  lookup(name: string): TarMember | undefined {
    return lookupMember(this.#members, name);
  }

  names(): string[] {
    return [...this.#members.keys()].sort();
  }

  /** Nothing stays open between reads of an indexed tar. */
  async close(): Promise<void> {}

  /** Reads a member fully; LIMIT_EXCEEDED when it is larger than `maxBytes`. */
  async read(member: TarMember, maxBytes: number, what: string): Promise<Uint8Array> {
    refuseOversized(this.input, member, maxBytes, what);
    const handle = await open(this.path, 'r');
    try {
      const data = new Uint8Array(member.size);
      const { bytesRead } = await handle.read(data, 0, member.size, member.offset);
      if (bytesRead !== member.size) throw corrupt(this.input, `${member.name} is truncated`);
      return data;
    } finally {
      await handle.close();
    }
  }

  async head(member: TarMember, length: number): Promise<Uint8Array> {
    return this.read({ ...member, size: Math.min(member.size, length) }, length, member.name);
  }

  /** The member's bytes as a stream over its byte range of the archive. */
  stream(member: TarMember): Chunks {
    return readFileChunks(this.path, { offset: member.offset, length: member.size });
  }
}
