import { SgciError } from '../../core/index.ts';

/**
 * A push parser for the tar formats container layers use (POSIX ustar + PAX, GNU long names,
 * old v7). It is our own rather than node-tar's Parser or tar-stream because both decode PAX
 * values as UTF-8 text and so mangle binary `SCHILY.xattr.security.capability` values (any byte
 * above 0x7f, e.g. the bit of CAP_SETUID, turns into U+FFFD), and because it lets every size come
 * from a limit and drained entries cost no allocation at all: data of unwanted entries is only
 * counted, never copied or wrapped in a stream.
 */

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo' | 'other';

export interface TarHeader {
  /** As written in the archive (PAX `path`, GNU long name or ustar prefix + name); not normalised. */
  readonly path: string;
  readonly linkpath: string;
  readonly type: TarEntryType;
  /** The typeflag character, for warnings about unsupported types. */
  readonly typeflag: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Bytes of data that follow the header (0 for header-only types, as Go's archive/tar does). */
  readonly size: number;
  readonly mtime: number;
  readonly devmajor: number;
  readonly devminor: number;
  readonly xattrs: Record<string, Uint8Array> | undefined;
  /** Byte offset of the header in the uncompressed stream, for error messages. */
  readonly offset: number;
}

export interface TarHandler {
  /** Called for each entry; return true to receive its data through `onData`. */
  onEntry(header: TarHeader): boolean;
  /** A slice of the current entry's data; a view into the input chunk, copy what you keep. */
  onData(data: Uint8Array): void;
  onEntryEnd(): void;
}

export interface TarParserLimits {
  readonly maxPaxHeaderBytes: number;
  readonly maxPathLength: number;
}

const block = 512;
const headerOnlyTypes = new Set<TarEntryType>(['hardlink', 'symlink', 'char', 'block', 'dir', 'fifo']);
const utf8 = new TextDecoder('utf-8');

const phase = { header: 0, data: 1, meta: 2, end: 3 } as const;
type State = (typeof phase)[keyof typeof phase];

interface PendingMeta {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  xattrs?: Record<string, Uint8Array>;
}

export class TarParser {
  readonly #handler: TarHandler;
  readonly #limits: TarParserLimits;
  /** Names the layer in errors. */
  readonly #input: string;
  readonly #label: string;

  #state: State = phase.header;
  readonly #headerBuf = Buffer.alloc(block);
  #headerFill = 0;
  /** Data bytes left in the current entry, then padding bytes left to the block boundary. */
  #remaining = 0;
  #padding = 0;
  #forward = false;
  #offset = 0;

  #metaType = '';
  #metaBuf: Buffer | undefined;
  #metaFill = 0;
  #pending: PendingMeta = {};
  #global: PendingMeta = {};
  #entries = 0;

  constructor(handler: TarHandler, limits: TarParserLimits, input: string, label: string) {
    this.#handler = handler;
    this.#limits = limits;
    this.#input = input;
    this.#label = label;
  }

  /** Whether the end-of-archive marker was seen; bytes after it are ignored. */
  get ended(): boolean {
    return this.#state === phase.end;
  }

  get entries(): number {
    return this.#entries;
  }

  write(chunk: Uint8Array): void {
    let pos = 0;
    const length = chunk.length;
    while (pos < length) {
      switch (this.#state) {
        case phase.end:
          this.#offset += length - pos;
          return;
        case phase.header: {
          // Skip padding of the previous entry first.
          if (this.#padding > 0) {
            const n = Math.min(this.#padding, length - pos);
            this.#padding -= n;
            pos += n;
            this.#offset += n;
            continue;
          }
          if (this.#headerFill === 0 && length - pos >= block) {
            const view = chunk.subarray(pos, pos + block);
            pos += block;
            this.#offset += block;
            this.#onHeader(view);
          } else {
            const n = Math.min(block - this.#headerFill, length - pos);
            this.#headerBuf.set(chunk.subarray(pos, pos + n), this.#headerFill);
            this.#headerFill += n;
            pos += n;
            this.#offset += n;
            if (this.#headerFill === block) {
              this.#headerFill = 0;
              this.#onHeader(this.#headerBuf);
            }
          }
          break;
        }
        case phase.data: {
          const n = Math.min(this.#remaining, length - pos);
          if (this.#forward && n > 0) this.#handler.onData(chunk.subarray(pos, pos + n));
          this.#remaining -= n;
          pos += n;
          this.#offset += n;
          if (this.#remaining === 0) this.#finishEntry();
          break;
        }
        case phase.meta: {
          const buf = this.#metaBuf as Buffer;
          const n = Math.min(this.#remaining, length - pos);
          buf.set(chunk.subarray(pos, pos + n), this.#metaFill);
          this.#metaFill += n;
          this.#remaining -= n;
          pos += n;
          this.#offset += n;
          if (this.#remaining === 0) this.#finishMeta();
          break;
        }
      }
    }
  }

  /** The input ended: fails with LAYER_CORRUPT when it stopped inside an entry. */
  end(): void {
    if (this.#state === phase.end) return;
    const inside =
      this.#state !== phase.header || this.#headerFill > 0 || this.#metaBuf !== undefined || this.#padding > 0;
    if (inside) {
      throw new SgciError(
        'LAYER_CORRUPT',
        this.#input,
        `${this.#label}: tar stream is truncated at byte ${this.#offset}`,
      );
    }
    // A missing end-of-archive marker after a complete entry is tolerated (some writers omit it).
    this.#state = phase.end;
  }

  #corrupt(message: string): SgciError {
    return new SgciError('LAYER_CORRUPT', this.#input, `${this.#label}: ${message}`);
  }

  #onHeader(h: Uint8Array): void {
    const headerOffset = this.#offset - block;
    if (isZeroBlock(h)) {
      this.#state = phase.end;
      return;
    }
    if (!checksumValid(h)) {
      throw this.#corrupt(
        headerOffset === 0
          ? 'not a tar archive (no valid tar header at the start of the uncompressed stream)'
          : `bad tar header checksum at byte ${headerOffset}`,
      );
    }
    const typeflag = h[156] === 0 ? '0' : String.fromCharCode(h[156] as number);
    const size = this.#number(h, 124, 12, 'size', headerOffset);

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      const max =
        typeflag === 'x' || typeflag === 'g' ? this.#limits.maxPaxHeaderBytes : this.#limits.maxPathLength + 1;
      if (size > max) {
        const what = typeflag === 'x' || typeflag === 'g' ? 'PAX header' : 'GNU long name';
        throw new SgciError(
          'LIMIT_EXCEEDED',
          this.#input,
          `${this.#label}: ${what} of ${size} bytes at byte ${headerOffset} exceeds the limit of ${max} bytes`,
        );
      }
      this.#metaType = typeflag;
      this.#metaBuf = Buffer.alloc(size);
      this.#metaFill = 0;
      this.#remaining = size;
      this.#padding = (block - (size % block)) % block;
      this.#state = phase.meta;
      if (size === 0) this.#finishMeta();
      return;
    }

    const ustar = h[257] === 0x75 && h[258] === 0x73 && h[259] === 0x74 && h[260] === 0x61 && h[261] === 0x72;
    const posix = ustar && h[262] === 0;
    const pending = this.#pending;
    const global = this.#global;
    let path = pending.path ?? global.path;
    if (path === undefined) {
      const name = cString(h, 0, 100);
      const prefix = posix ? cString(h, 345, 155) : '';
      path = prefix ? `${prefix}/${name}` : name;
    }
    const linkpath = pending.linkpath ?? global.linkpath ?? cString(h, 157, 100);
    let type = entryType(typeflag);
    if (type === 'file' && typeflag === '0' && path.endsWith('/')) type = 'dir';
    const dataSize = pending.size ?? global.size ?? size;
    if (path.length > this.#limits.maxPathLength || linkpath.length > this.#limits.maxPathLength) {
      throw new SgciError(
        'LIMIT_EXCEEDED',
        this.#input,
        `${this.#label}: path of ${Math.max(path.length, linkpath.length)} characters at byte ${headerOffset} exceeds maxPathLength ${this.#limits.maxPathLength}`,
      );
    }
    const header: TarHeader = {
      path,
      linkpath,
      type,
      typeflag,
      mode: this.#number(h, 100, 8, 'mode', headerOffset),
      uid: pending.uid ?? global.uid ?? this.#number(h, 108, 8, 'uid', headerOffset),
      gid: pending.gid ?? global.gid ?? this.#number(h, 116, 8, 'gid', headerOffset),
      size: headerOnlyTypes.has(type) ? 0 : dataSize,
      mtime: pending.mtime ?? global.mtime ?? this.#number(h, 136, 12, 'mtime', headerOffset),
      devmajor: ustar ? this.#number(h, 329, 8, 'devmajor', headerOffset) : 0,
      devminor: ustar ? this.#number(h, 337, 8, 'devminor', headerOffset) : 0,
      xattrs: pending.xattrs,
      offset: headerOffset,
    };
    this.#pending = {};
    this.#entries++;
    this.#remaining = header.size;
    this.#padding = (block - (header.size % block)) % block;
    this.#forward = this.#handler.onEntry(header);
    this.#state = phase.data;
    if (this.#remaining === 0) this.#finishEntry();
  }

  #finishEntry(): void {
    this.#handler.onEntryEnd();
    this.#forward = false;
    this.#state = phase.header;
  }

  #finishMeta(): void {
    const buf = this.#metaBuf as Buffer;
    this.#metaBuf = undefined;
    this.#state = phase.header;
    switch (this.#metaType) {
      case 'L':
        this.#pending.path = cString(buf, 0, buf.length);
        break;
      case 'K':
        this.#pending.linkpath = cString(buf, 0, buf.length);
        break;
      case 'x':
        this.#parsePax(buf, this.#pending);
        break;
      case 'g':
        this.#parsePax(buf, this.#global);
        break;
    }
  }

  /** PAX records: `<length> <key>=<value>\n`, the length counting the whole record. */
  #parsePax(buf: Buffer, into: PendingMeta): void {
    let pos = 0;
    while (pos < buf.length) {
      if (buf[pos] === 0) break; // NUL padding some writers leave
      const space = buf.indexOf(0x20, pos);
      if (space < 0) throw this.#corrupt('malformed PAX record (no length)');
      const length = Number.parseInt(buf.toString('latin1', pos, space), 10);
      const end = pos + length;
      if (!Number.isSafeInteger(length) || length <= space - pos || end > buf.length || buf[end - 1] !== 0x0a) {
        throw this.#corrupt('malformed PAX record (bad length)');
      }
      const equals = buf.indexOf(0x3d, space + 1);
      if (equals < 0 || equals >= end) throw this.#corrupt('malformed PAX record (no key)');
      const key = buf.toString('utf8', space + 1, equals);
      const value = buf.subarray(equals + 1, end - 1);
      this.#applyPax(key, value, into);
      pos = end;
    }
  }

  #applyPax(key: string, value: Buffer, into: PendingMeta): void {
    switch (key) {
      case 'path':
        into.path = utf8.decode(value);
        return;
      case 'linkpath':
        into.linkpath = utf8.decode(value);
        return;
      case 'size':
        into.size = this.#paxNumber(key, value);
        return;
      case 'uid':
        into.uid = this.#paxNumber(key, value);
        return;
      case 'gid':
        into.gid = this.#paxNumber(key, value);
        return;
      case 'mtime':
        into.mtime = Math.floor(Number.parseFloat(value.toString('latin1'))) || 0;
        return;
    }
    if (key.startsWith('SCHILY.xattr.')) {
      into.xattrs ??= Object.create(null) as Record<string, Uint8Array>;
      into.xattrs[key.slice('SCHILY.xattr.'.length)] = Uint8Array.from(value);
    } else if (key.startsWith('LIBARCHIVE.xattr.')) {
      into.xattrs ??= Object.create(null) as Record<string, Uint8Array>;
      // libarchive writes the name URL-encoded and the value base64-encoded.
      into.xattrs[safeDecodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length))] = Uint8Array.from(
        Buffer.from(value.toString('latin1'), 'base64'),
      );
    }
  }

  #paxNumber(key: string, value: Buffer): number {
    const text = value.toString('latin1');
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw this.#corrupt(`malformed PAX ${key} ${JSON.stringify(text.slice(0, 40))}`);
    return n;
  }

  /** Octal ASCII (NUL/space padded) or GNU base-256 for values too large for octal. */
  #number(h: Uint8Array, start: number, length: number, field: string, offset: number): number {
    const first = h[start] as number;
    if (first & 0x80) {
      if (first === 0xff) throw this.#corrupt(`negative ${field} in tar header at byte ${offset}`);
      let n = first & 0x7f;
      for (let i = start + 1; i < start + length; i++) {
        n = n * 256 + (h[i] as number);
        if (n > Number.MAX_SAFE_INTEGER) throw this.#corrupt(`${field} too large in tar header at byte ${offset}`);
      }
      return n;
    }
    let n = 0;
    let i = start;
    const end = start + length;
    while (i < end && (h[i] === 0x20 || h[i] === 0)) i++;
    for (; i < end; i++) {
      const c = h[i] as number;
      if (c === 0 || c === 0x20) break;
      if (c < 0x30 || c > 0x37) throw this.#corrupt(`invalid ${field} in tar header at byte ${offset}`);
      n = n * 8 + (c - 0x30);
    }
    return n;
  }
}

function safeDecodeURIComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function entryType(typeflag: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
      return 'dir';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < block; i++) if (h[i] !== 0) return false;
  return true;
}

/** The header checksum: bytes summed with the checksum field read as spaces (signed sums too, as old tars wrote). */
function checksumValid(h: Uint8Array): boolean {
  let stored = 0;
  let i = 148;
  while (i < 156 && (h[i] === 0x20 || h[i] === 0)) i++;
  let digits = 0;
  for (; i < 156; i++) {
    const c = h[i] as number;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return false;
    stored = stored * 8 + (c - 0x30);
    digits++;
  }
  if (digits === 0) return false;
  let unsigned = 0;
  let signed = 0;
  for (let j = 0; j < block; j++) {
    const b = j >= 148 && j < 156 ? 0x20 : (h[j] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** A NUL-terminated field as UTF-8 (ASCII fast path: most names are plain ASCII). */
function cString(h: Uint8Array, start: number, length: number): string {
  let end = start;
  const limit = start + length;
  let ascii = true;
  while (end < limit) {
    const c = h[end] as number;
    if (c === 0) break;
    if (c > 0x7f) ascii = false;
    end++;
  }
  if (end === start) return '';
  if (ascii) return String.fromCharCode.apply(null, h.subarray(start, end) as unknown as number[]);
  return utf8.decode(h.subarray(start, end));
}
