import { createReadStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { describe, type Limits, SgciError } from '../../core/index.ts';
import { type TarHeader, TarParser } from '../layer/index.ts';
import { type ArchiveReader, lookupMember, normaliseMemberName, refuseOversized, type TarMember } from './tar-index.ts';

/** Members up to this size are kept from the first pass (index.json, manifests, configs). */
const keepMemberBytes = 4 * 1024 * 1024;
/** All kept members together; beyond this a member is streamed again when asked for. */
const keepTotalBytes = 64 * 1024 * 1024;
/** Leading bytes remembered of every member, for magic-byte sniffing without another pass. */
const headBytes = 16;

interface StreamedMember extends TarMember {
  /** Position among all entries, to find exactly this one (not an earlier duplicate). */
  readonly ordinal: number;
}

function memberType(header: TarHeader): TarMember['type'] {
  switch (header.type) {
    case 'file':
    case 'dir':
    case 'symlink':
    case 'hardlink':
      return header.type;
    default:
      return 'other';
  }
}

function drainedOrClosed(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      stream.off('drain', finish);
      stream.off('close', finish);
      resolve();
    };
    stream.on('drain', finish);
    stream.on('close', finish);
  });
}

/** A decompression of the archive that can be paused between members and resumed forward. */
class Cursor {
  readonly #file: Readable;
  readonly #gunzip: ReturnType<typeof createGunzip>;
  readonly #chunks: AsyncIterator<Buffer>;
  readonly #input: string;
  readonly #maxBytes: number;
  /** Uncompressed offset of the first byte not handed out yet (the start of `leftover`, if any). */
  position = 0;
  leftover: Buffer | undefined;
  busy = false;

  constructor(path: string, input: string, maxBytes: number) {
    this.#file = createReadStream(path);
    this.#gunzip = createGunzip();
    this.#file.on('error', (error) => this.#gunzip.destroy(error));
    this.#file.pipe(this.#gunzip);
    this.#chunks = (this.#gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    this.#input = input;
    this.#maxBytes = maxBytes;
  }

  /** The next decompressed chunk, or undefined at the end; bounded by the image size limit. */
  async next(): Promise<Buffer | undefined> {
    if (this.leftover) {
      const chunk = this.leftover;
      this.leftover = undefined;
      return chunk;
    }
    let result: IteratorResult<Buffer>;
    try {
      result = await this.#chunks.next();
    } catch (error) {
      throw new SgciError('LAYER_CORRUPT', this.#input, `cannot decompress archive: ${describe(error)}`, {
        cause: error,
      });
    }
    if (result.done) return undefined;
    if (this.position + result.value.length > this.#maxBytes) {
      throw new SgciError('LIMIT_EXCEEDED', this.#input, `archive expands past ${this.#maxBytes} bytes`);
    }
    return result.value;
  }

  close(): void {
    this.#file.destroy();
    this.#gunzip.destroy();
  }
}

/**
 * A gzip-compressed tar (`docker save | gzip`, an oci-archive written as .tar.gz) cannot be read by
 * byte range, so it is streamed: one pass indexes the members, keeps the small ones (the JSON
 * documents) and the first bytes of all; a large member (a layer) is then read by decompressing
 * forward to it. Layers are read in archive order in practice, so one decompression is resumed
 * from member to member; only a backward jump starts over. Nothing is written to disk.
 */
export class GzipTarArchive implements ArchiveReader {
  readonly input: string;
  readonly #path: string;
  readonly #limits: Limits;
  readonly #members: Map<string, StreamedMember>;
  readonly #kept: Map<number, Uint8Array>;
  readonly #heads: Map<number, Uint8Array>;
  #cursor: Cursor | undefined;

  private constructor(
    path: string,
    input: string,
    limits: Limits,
    scan: { members: Map<string, StreamedMember>; kept: Map<number, Uint8Array>; heads: Map<number, Uint8Array> },
  ) {
    this.#path = path;
    this.input = input;
    this.#limits = limits;
    this.#members = scan.members;
    this.#kept = scan.kept;
    this.#heads = scan.heads;
  }

  static async open(path: string, input: string, limits: Limits): Promise<GzipTarArchive> {
    const members = new Map<string, StreamedMember>();
    const kept = new Map<number, Uint8Array>();
    const heads = new Map<number, Uint8Array>();
    let keptTotal = 0;
    let ordinal = -1;
    let current: { ordinal: number; keep: boolean; chunks: Buffer[]; head: number } | undefined;
    const parser = new TarParser(
      {
        onEntry(header) {
          ordinal++;
          if (ordinal >= limits.maxEntries) {
            throw new SgciError('LIMIT_EXCEEDED', input, `more than ${limits.maxEntries} archive members`);
          }
          const name = normaliseMemberName(header.path);
          const type = memberType(header);
          members.set(name, {
            name,
            type,
            offset: header.offset + 512,
            size: type === 'file' ? header.size : 0,
            ordinal,
            ...(type === 'symlink' || type === 'hardlink' ? { linkTarget: header.linkpath } : {}),
          });
          if (type !== 'file') {
            current = undefined;
            return false;
          }
          const keep = header.size <= keepMemberBytes && keptTotal + header.size <= keepTotalBytes;
          if (keep) keptTotal += header.size;
          current = { ordinal, keep, chunks: [], head: 0 };
          return true;
        },
        onData(data) {
          if (!current) return;
          if (current.keep) current.chunks.push(Buffer.from(data));
          else if (current.head < headBytes) {
            const slice = Buffer.from(data.subarray(0, headBytes - current.head));
            current.chunks.push(slice);
            current.head += slice.length;
          }
        },
        onEntryEnd() {
          if (current) (current.keep ? kept : heads).set(current.ordinal, Buffer.concat(current.chunks));
          current = undefined;
        },
      },
      limits,
      input,
      'archive',
    );
    const cursor = new Cursor(path, input, limits.maxImageBytes);
    try {
      for (let chunk = await cursor.next(); chunk && !parser.ended; chunk = await cursor.next()) {
        parser.write(chunk);
        cursor.position += chunk.length;
      }
      parser.end();
    } finally {
      cursor.close();
    }
    return new GzipTarArchive(path, input, limits, { members, kept, heads });
  }

  lookup(name: string): TarMember | undefined {
    return lookupMember(this.#members, name);
  }

  names(): string[] {
    return [...this.#members.keys()].sort();
  }

  async read(member: TarMember, maxBytes: number, what: string): Promise<Uint8Array> {
    refuseOversized(this.input, member, maxBytes, what);
    const kept = this.#kept.get((member as StreamedMember).ordinal);
    if (kept) return kept;
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream(member)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  async head(member: TarMember, length: number): Promise<Uint8Array> {
    const ordinal = (member as StreamedMember).ordinal;
    const known = this.#kept.get(ordinal) ?? this.#heads.get(ordinal);
    if (known && (known.length >= length || known.length === member.size)) return known.subarray(0, length);
    return (await this.read(member, Number.MAX_SAFE_INTEGER, member.name)).subarray(0, length);
  }

  stream(member: TarMember): Readable {
    const kept = this.#kept.get((member as StreamedMember).ordinal);
    if (kept) return Readable.from([kept]);
    const out = new PassThrough();
    let cursor = this.#cursor;
    if (!cursor || cursor.busy || cursor.position > member.offset) {
      if (cursor && !cursor.busy) cursor.close();
      cursor = new Cursor(this.#path, this.input, this.#limits.maxImageBytes);
      this.#cursor = cursor;
    }
    const active = cursor;
    active.busy = true;
    this.#copy(active, member, out).then(
      () => {
        active.busy = false;
        if (this.#cursor !== active) active.close();
        out.end();
      },
      (error: unknown) => {
        active.close();
        if (this.#cursor === active) this.#cursor = undefined;
        out.destroy(error as Error);
      },
    );
    return out;
  }

  /** Moves `cursor` forward to the member and copies its bytes out, leaving the rest as leftover. */
  async #copy(cursor: Cursor, member: TarMember, out: PassThrough): Promise<void> {
    const start = member.offset;
    const end = member.offset + member.size;
    while (cursor.position < end) {
      if (out.destroyed) throw new SgciError('IO_ERROR', this.input, `reading ${member.name} was abandoned`);
      const chunk = await cursor.next();
      if (!chunk) throw new SgciError('LAYER_CORRUPT', this.input, `${member.name} is truncated in the archive`);
      const chunkStart = cursor.position;
      const from = Math.max(start - chunkStart, 0);
      const to = Math.min(end - chunkStart, chunk.length);
      if (to > from) {
        out.write(chunk.subarray(from, to));
        if (out.writableNeedDrain) await drainedOrClosed(out);
      }
      if (to > 0 && to < chunk.length) {
        cursor.leftover = chunk.subarray(to);
        cursor.position = chunkStart + to;
      } else {
        cursor.position = chunkStart + chunk.length;
      }
    }
  }

  async close(): Promise<void> {
    this.#cursor?.close();
    this.#cursor = undefined;
  }
}
