import { SgciError } from '../../core/index.ts';
import {
  blockSize,
  cBytes,
  checksumValid,
  decodeField,
  decodeName,
  headerFormat,
  isAscii,
  isZeroBlock,
  parseNumeric,
  type TarFormat,
} from './tar-fields.ts';
import { isSparse, type PaxOverrides, type PaxRecords, parsePaxRecords, paxOverrides } from './tar-pax.ts';

/**
 * A push parser for the tar formats container layers use (POSIX ustar + PAX, GNU, star, old v7),
 * reading every field the way Go's archive/tar does (tar-fields.ts, tar-pax.ts): Docker, containerd
 * and podman unpack layers with it, so what they would create is what we report, and what makes
 * them refuse a layer makes us refuse it. It is our own rather than node-tar's Parser or tar-stream
 * because both decode PAX values as UTF-8 text and so mangle binary `security.capability` values,
 * both differ from Go in corner cases a hostile layer can use, and because it lets every size come
 * from a limit and drained entries cost no allocation at all: data of unwanted entries is only
 * counted, never copied or wrapped in a stream.
 */

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo' | 'other';

export interface TarHeader {
  /**
   * As written in the archive (PAX `path`, GNU long name or prefix + name); not normalised. Bytes
   * that are not UTF-8 are kept one-to-one as lone surrogates (see `decodeName`).
   */
  readonly path: string;
  readonly linkpath: string;
  readonly type: TarEntryType;
  /** The typeflag character, for messages about unsupported types. */
  readonly typeflag: string;
  /** Permission and mode bits (`& 0o7777` are what a runtime applies). */
  readonly mode: number;
  /** 0 to 2^32 - 2: what `lchown` takes as given (-1 and wider values are refused). */
  readonly uid: number;
  readonly gid: number;
  /** Bytes of data that follow the header (0 for header-only types, as Go's archive/tar does). */
  readonly size: number;
  /** Seconds since the epoch, rounded down. */
  readonly mtime: number;
  readonly devmajor: number;
  readonly devminor: number;
  /** `SCHILY.xattr.*` PAX records with a value, as runtimes apply them. */
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

const headerOnlyTypes = new Set<TarEntryType>(['hardlink', 'symlink', 'char', 'block', 'dir', 'fifo']);
/** What `lchown` can set: -1 (0xffffffff) means "leave as is", and wider values are cut to 32 bits. */
const maxId = 0xfffffffe;
/** A mode field holds 7 octal digits; base-256 beyond that is refused rather than cut like Go does. */
const maxMode = 0o7777777;

const phase = { header: 0, data: 1, meta: 2, end: 3 } as const;
type State = (typeof phase)[keyof typeof phase];

/** What meta headers (`x`, `L`, `K`) said about the next entry; a `g` header discards it (Go returns there). */
interface Pending {
  /** The records of the last `x` header: a later one replaces them all. */
  pax?: PaxRecords;
  /** GNU long name and link (`L`, `K`): they win over PAX `path` and `linkpath`. */
  longName?: string;
  longLink?: string;
}

/**
 * Nothing pending and no PAX overrides, as most entries have: shared, so that an entry makes no object for either
 * (the pass's garbage is collected on its thread, issue 17). Meta headers make a new `Pending`; frozen, so a write to
 * these throws.
 */
const nothingPending: Readonly<Pending> = Object.freeze({});
const noOverrides: Readonly<PaxOverrides> = Object.freeze({});

/** The fields of one header block, before PAX records and GNU long names are applied. */
interface RawHeader {
  readonly format: TarFormat;
  readonly typeflag: number;
  readonly name: string;
  readonly linkname: string;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly devmajor: number;
  readonly devminor: number;
}

export class TarParser {
  readonly #handler: TarHandler;
  readonly #limits: TarParserLimits;
  /** Names the layer in errors. */
  readonly #input: string;
  readonly #label: string;

  #state: State = phase.header;
  readonly #headerBuf = Buffer.alloc(blockSize);
  #headerFill = 0;
  /** Data bytes left in the current entry, then padding bytes left to the block boundary. */
  #remaining = 0;
  #padding = 0;
  #forward = false;
  #offset = 0;
  /** A first zero block was read: the next block must be zero too (or the input end). */
  #zeroBlock = false;

  #metaType = 0;
  #metaOffset = 0;
  #metaBuf: Buffer | undefined;
  #metaFill = 0;
  #pending: Readonly<Pending> = nothingPending;
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

  write(input: Uint8Array): void {
    // header fields are read from the chunk in place (no view per header), and names decoded by Buffer
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
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
          if (this.#headerFill === 0 && length - pos >= blockSize) {
            pos += blockSize;
            this.#offset += blockSize;
            this.#onBlock(chunk, pos - blockSize);
          } else {
            const n = Math.min(blockSize - this.#headerFill, length - pos);
            this.#headerBuf.set(chunk.subarray(pos, pos + n), this.#headerFill);
            this.#headerFill += n;
            pos += n;
            this.#offset += n;
            if (this.#headerFill === blockSize) {
              this.#headerFill = 0;
              this.#onBlock(this.#headerBuf, 0);
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

  /**
   * The input ended: fails with LAYER_CORRUPT when it stopped inside a header, an entry's data or
   * a meta header. As in Go, the end may come instead of the end-of-archive blocks, after a single
   * zero block, or inside the padding after the last entry's data.
   */
  end(): void {
    if (this.#state === phase.end) return;
    if (this.#state !== phase.header || this.#headerFill > 0) {
      throw this.#corrupt(`tar stream is truncated at byte ${this.#offset}`);
    }
    this.#state = phase.end;
  }

  #corrupt(message: string): SgciError {
    return new SgciError('LAYER_CORRUPT', this.#input, `${this.#label}: ${message}`);
  }

  /** The header block at `base` of `h`. */
  #onBlock(h: Buffer, base: number): void {
    const offset = this.#offset - blockSize;
    if (isZeroBlock(h, base)) {
      if (this.#zeroBlock) this.#state = phase.end;
      this.#zeroBlock = true;
      return;
    }
    if (this.#zeroBlock) {
      throw this.#corrupt(`a zero block is followed by a header at byte ${offset} (the archive ends with two)`);
    }
    const raw = this.#readHeader(h, base, offset);
    const typeflag = raw.typeflag;
    // 'x', 'g', 'L', 'K': meta headers about the entry that follows.
    if (typeflag === 0x78 || typeflag === 0x67 || typeflag === 0x4c || typeflag === 0x4b) {
      if (raw.size < 0) throw this.#corrupt(`negative size in tar header at byte ${offset}`);
      const pax = typeflag === 0x78 || typeflag === 0x67;
      const max = pax ? this.#limits.maxPaxHeaderBytes : this.#limits.maxPathLength + 1;
      if (raw.size > max) {
        throw new SgciError(
          'LIMIT_EXCEEDED',
          this.#input,
          `${this.#label}: ${pax ? 'PAX header' : 'GNU long name'} of ${raw.size} bytes at byte ${offset} exceeds the limit of ${max} bytes`,
        );
      }
      this.#metaType = typeflag;
      this.#metaOffset = offset;
      this.#metaBuf = Buffer.alloc(raw.size);
      this.#metaFill = 0;
      this.#remaining = raw.size;
      this.#padding = (blockSize - (raw.size % blockSize)) % blockSize;
      this.#state = phase.meta;
      if (raw.size === 0) this.#finishMeta();
      return;
    }
    this.#onEntryHeader(raw, offset);
  }

  /** Go's `readHeader`: the fields every format has, then those of its format; any bad field fails the header. */
  #readHeader(h: Buffer, base: number, offset: number): RawHeader {
    if (!checksumValid(h, base)) {
      throw this.#corrupt(
        offset === 0
          ? 'not a tar archive (no valid tar header at the start of the uncompressed stream)'
          : `bad tar header checksum at byte ${offset}`,
      );
    }
    const format = headerFormat(h, base);
    const size = this.#number(h, base + 124, 12, 'size', offset);
    const mode = this.#number(h, base + 100, 8, 'mode', offset);
    const uid = this.#number(h, base + 108, 8, 'uid', offset);
    const gid = this.#number(h, base + 116, 8, 'gid', offset);
    const mtime = this.#number(h, base + 136, 12, 'mtime', offset);
    let devmajor = 0;
    let devminor = 0;
    if (format !== 'v7') {
      devmajor = this.#number(h, base + 329, 8, 'devmajor', offset);
      devminor = this.#number(h, base + 337, 8, 'devminor', offset);
    }
    // the prefix field's length in this format, 0 where it has none
    let prefixField = 0;
    if (format === 'ustar') {
      prefixField = 155;
    } else if (format === 'star') {
      prefixField = 131;
      this.#number(h, base + 476, 12, 'atime', offset);
      this.#number(h, base + 488, 12, 'ctime', offset);
    } else if (format === 'gnu') {
      // GNU has access and change times where ustar has its prefix. Go reads an unparseable one as
      // a prefix all the same, for archives of pre-1.8 Go writers (golang.org/issue/12594).
      const timeInvalid = (start: number) => h[start] !== 0 && parseNumeric(h, start, 12) === undefined;
      if ((timeInvalid(base + 345) || timeInvalid(base + 357)) && isAscii(cBytes(h, base + 345, 155))) {
        prefixField = 155;
      }
    }
    let name: string;
    if (prefixField > 0 && h[base + 345] !== 0) {
      const prefix = cBytes(h, base + 345, prefixField);
      const own = cBytes(h, base, 100);
      const joined = new Uint8Array(prefix.length + 1 + own.length);
      joined.set(prefix);
      joined[prefix.length] = 0x2f;
      joined.set(own, prefix.length + 1);
      name = decodeName(joined);
    } else {
      name = decodeField(h, base, 100);
    }
    return {
      format,
      typeflag: h[base + 156] as number,
      name,
      linkname: decodeField(h, base + 157, 100),
      size,
      mode,
      uid,
      gid,
      mtime,
      devmajor,
      devminor,
    };
  }

  #number(h: Uint8Array, start: number, length: number, field: string, offset: number): number {
    const value = parseNumeric(h, start, length);
    if (value === undefined) throw this.#corrupt(`invalid ${field} in tar header at byte ${offset}`);
    return value;
  }

  #onEntryHeader(raw: RawHeader, offset: number): void {
    const pending = this.#pending;
    this.#pending = nothingPending;
    const typeflag = String.fromCharCode(raw.typeflag);
    let type = entryType(raw.typeflag);
    if (raw.size < 0 && !headerOnlyTypes.has(type)) {
      throw this.#corrupt(`negative size in tar header at byte ${offset}`);
    }
    if (raw.typeflag === 0x53 || isSparse(pending.pax)) {
      throw this.#corrupt(
        `GNU sparse file at byte ${offset}: sparse files are not supported (write the layer without --sparse)`,
      );
    }
    let overrides: Readonly<PaxOverrides> = noOverrides;
    if (pending.pax !== undefined) {
      const merged = paxOverrides(pending.pax);
      if (typeof merged === 'string') throw this.#corrupt(`PAX header before byte ${offset}: ${merged}`);
      overrides = merged;
    }
    const path = pending.longName || overrides.path || raw.name;
    const linkpath = pending.longLink || overrides.linkpath || raw.linkname;
    // Go's TypeRegA ('\0'): a directory when the final name ends in '/', else a regular file.
    if (raw.typeflag === 0 && path.endsWith('/')) type = 'dir';
    const size = overrides.size ?? raw.size;
    if (size < 0 && !headerOnlyTypes.has(type)) throw this.#corrupt(`negative size in tar header at byte ${offset}`);
    if (!Number.isSafeInteger(size)) throw this.#corrupt(`size too large in tar header at byte ${offset}`);
    const uid = overrides.uid ?? raw.uid;
    const gid = overrides.gid ?? raw.gid;
    if (uid < 0 || uid > maxId || gid < 0 || gid > maxId) {
      throw this.#corrupt(`owner ${uid}:${gid} at byte ${offset} is not a valid uid:gid (0 to ${maxId})`);
    }
    if (raw.mode < 0 || raw.mode > maxMode) throw this.#corrupt(`invalid mode in tar header at byte ${offset}`);
    const mtime = overrides.mtime ?? raw.mtime;
    if (!Number.isSafeInteger(mtime)) throw this.#corrupt(`mtime out of range in tar header at byte ${offset}`);
    if (path.length > this.#limits.maxPathLength || linkpath.length > this.#limits.maxPathLength) {
      throw new SgciError(
        'LIMIT_EXCEEDED',
        this.#input,
        `${this.#label}: path of ${Math.max(path.length, linkpath.length)} characters at byte ${offset} exceeds maxPathLength ${this.#limits.maxPathLength}`,
      );
    }
    const header: TarHeader = {
      path,
      linkpath,
      type,
      typeflag,
      mode: raw.mode,
      uid,
      gid,
      size: headerOnlyTypes.has(type) ? 0 : size,
      mtime,
      devmajor: raw.devmajor,
      devminor: raw.devminor,
      xattrs: overrides.xattrs,
      offset,
    };
    this.#entries++;
    this.#remaining = header.size;
    this.#padding = (blockSize - (header.size % blockSize)) % blockSize;
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
      case 0x4c: // 'L'
        this.#pending = { ...this.#pending, longName: decodeName(cBytes(buf, 0, buf.length)) };
        return;
      case 0x4b: // 'K'
        this.#pending = { ...this.#pending, longLink: decodeName(cBytes(buf, 0, buf.length)) };
        return;
    }
    const records = parsePaxRecords(buf);
    if (typeof records === 'string') {
      throw this.#corrupt(`malformed PAX header at byte ${this.#metaOffset}: ${records}`);
    }
    if (this.#metaType === 0x78) {
      this.#pending = { ...this.#pending, pax: records };
      return;
    }
    // A global header ('g'): Go checks its records, then hands it out as an entry of its own, which
    // Docker and containerd skip. Its records apply to nothing, and what was pending is dropped.
    const merged = paxOverrides(records);
    if (typeof merged === 'string') {
      throw this.#corrupt(`malformed PAX global header at byte ${this.#metaOffset}: ${merged}`);
    }
    this.#pending = nothingPending;
  }
}

function entryType(typeflag: number): TarEntryType {
  switch (typeflag) {
    case 0x30: // '0'
    case 0: // '\0', Go's TypeRegA; a directory if the name ends in '/'
      return 'file';
    case 0x31:
      return 'hardlink';
    case 0x32:
      return 'symlink';
    case 0x33:
      return 'char';
    case 0x34:
      return 'block';
    case 0x35:
      return 'dir';
    case 0x36:
      return 'fifo';
    default:
      // '7' (contiguous) included: Go hands it out as is and no runtime unpacks it.
      return 'other';
  }
}
