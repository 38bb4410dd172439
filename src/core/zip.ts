import { crc32, inflateRawSync } from 'node:zlib';
import { SgciError } from './errors.ts';

/**
 * A small, bounded zip reader over bytes already in memory (a jar from a layer, an OSV export).
 * It trusts nothing: the central directory is the index (as unzip does), every size and offset
 * is checked against the buffer, inflation is capped at the declared size and the limits, and
 * the CRC-32 is verified. Zip64 sizes and offsets are understood; encryption and methods other
 * than stored/deflate are refused with ARCHIVE_INVALID.
 *
 * Records that point at one local header are one entry, and entries whose data overlap refuse the
 * archive (as unzip 6.0 does): both let a few bytes stand for unbounded data (David Fifield's
 * "better zip bomb"). Limits hold for an archive tree, not one reader: readers of nested archives
 * opened with the outer reader's `ZipBudget` draw from the same counts.
 */
export interface ZipLimits {
  /** Central-directory records of one archive tree. */
  readonly maxEntries: number;
  /** Uncompressed bytes of one entry. */
  readonly maxEntryBytes: number;
  /** Uncompressed bytes of all entries read in one archive tree. */
  readonly maxTotalBytes: number;
  /** Uncompressed/compressed ratio of one entry past `ratioFloorBytes` (zip bombs compress ~1000:1). */
  readonly maxRatio: number;
  /** Entries up to this size skip the ratio check: a few KiB of one byte compress far past it legitimately. */
  readonly ratioFloorBytes: number;
  /** Archives opened in one archive tree, the outer one included. */
  readonly maxArchives: number;
}

export const defaultZipLimits: ZipLimits = Object.freeze({
  maxEntries: 1_000_000,
  maxEntryBytes: 256 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 4096,
  maxArchives: 2000,
});

/**
 * What is left of the limits of one archive tree. Pass it to openZip for every archive nested in
 * the first, so nesting cannot multiply the work each reader may do.
 */
export class ZipBudget {
  readonly limits: ZipLimits;
  #archives: number;
  #entries: number;
  #bytes: number;
  #exhausted = false;

  constructor(limits: Partial<ZipLimits> = {}) {
    this.limits = { ...defaultZipLimits, ...limits };
    this.#archives = this.limits.maxArchives;
    this.#entries = this.limits.maxEntries;
    this.#bytes = this.limits.maxTotalBytes;
  }

  /** True once something was refused for want of budget: whatever is left of the tree would be too. */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** Takes one archive with `records` central-directory records from the budget. */
  openArchive(input: string, records: number): void {
    if (this.#archives <= 0) {
      this.#exhausted = true;
      throw new SgciError('LIMIT_EXCEEDED', input, `more than ${this.limits.maxArchives} archives in one archive tree`);
    }
    if (records > this.#entries) {
      this.#exhausted = true;
      throw new SgciError(
        'LIMIT_EXCEEDED',
        input,
        `${records} zip entries exceed the limit of ${this.limits.maxEntries} per archive tree`,
      );
    }
    this.#archives--;
    this.#entries -= records;
  }

  /** Takes `bytes` of uncompressed content from the budget. */
  take(where: string, bytes: number): void {
    if (bytes > this.#bytes) {
      this.#exhausted = true;
      throw new SgciError(
        'LIMIT_EXCEEDED',
        where,
        `archive content beyond the limit of ${this.limits.maxTotalBytes} bytes per archive tree`,
      );
    }
    this.#bytes -= bytes;
  }
}

export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly encrypted: boolean;
  readonly directory: boolean;
  /** Offset of the local file header. */
  readonly offset: number;
}

export interface ZipReader {
  readonly entries: readonly ZipEntry[];
  /** The entry by exact name (`META-INF/MANIFEST.MF`). */
  get(name: string): ZipEntry | undefined;
  read(entry: ZipEntry): Uint8Array;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Opens a zip archive. `limits` are those of a new archive tree; pass the outer reader's budget
 * instead when `bytes` is an archive nested in another.
 */
export function openZip(bytes: Uint8Array, input: string, limits: Partial<ZipLimits> | ZipBudget = {}): ZipReader {
  const budget = limits instanceof ZipBudget ? limits : new ZipBudget(limits);
  const lim = budget.limits;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (message: string): never => {
    throw new SgciError('ARCHIVE_INVALID', input, message);
  };
  const u16 = (at: number) => (at + 2 <= bytes.length ? view.getUint16(at, true) : fail('truncated'));
  const u32 = (at: number) => (at + 4 <= bytes.length ? view.getUint32(at, true) : fail('truncated'));
  const u64 = (at: number) => {
    const v = at + 8 <= bytes.length ? view.getBigUint64(at, true) : fail('truncated');
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? fail('zip64 value out of range') : Number(v);
  };

  // End of central directory: the last 22 bytes, or up to 64 KiB earlier when there is a comment
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail('not a zip archive (no end of central directory)');
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (eocd >= 20 && u32(eocd - 20) === ZIP64_LOCATOR) {
    const at = u64(eocd - 20 + 8);
    if (u32(at) !== ZIP64_EOCD) fail('bad zip64 end of central directory');
    count = u64(at + 32);
    cdSize = u64(at + 40);
    cdOffset = u64(at + 48);
  }
  // every record is at least 46 bytes: a count the directory cannot hold must not drain the budget
  if (count * 46 > cdSize) fail(`central directory of ${cdSize} bytes cannot hold ${count} records`);
  budget.openArchive(input, count);
  if (cdOffset + cdSize > bytes.length) fail('central directory beyond the end of the archive');

  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder('utf-8');
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL) fail(`central directory record ${i} is corrupt`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    let offset = u32(at + 42);
    if (at + 46 + nameLen + extraLen + commentLen > bytes.length) fail('central directory record overruns the archive');
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLen));
    // zip64 extended information: only the fields whose 32-bit value is 0xffffffff, in this order
    let x = at + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = u16(x);
      const len = u16(x + 2);
      if (id === 0x0001) {
        let p = x + 4;
        if (size === 0xffffffff) {
          size = u64(p);
          p += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(p);
          p += 8;
        }
        if (offset === 0xffffffff) offset = u64(p);
      }
      x += 4 + len;
    }
    entries.push({
      name,
      method,
      compressedSize,
      size,
      crc32: crc,
      encrypted: (flags & 1) !== 0,
      directory: name.endsWith('/'),
      offset,
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  const { unique, dataStart } = placeEntries(entries, cdOffset, u16, u32, fail);
  const byName = new Map<string, ZipEntry>();
  for (const e of unique) if (!byName.has(e.name)) byName.set(e.name, e);

  return {
    entries: unique,
    get: (name) => byName.get(name),
    read(entry) {
      const where = `${input}!${entry.name}`;
      if (entry.encrypted) throw new SgciError('ARCHIVE_INVALID', where, 'encrypted zip entry');
      if (entry.size > lim.maxEntryBytes) {
        throw new SgciError(
          'LIMIT_EXCEEDED',
          where,
          `${entry.size} bytes exceed the per-entry limit of ${lim.maxEntryBytes}`,
        );
      }
      if (entry.size > lim.ratioFloorBytes && entry.size > entry.compressedSize * lim.maxRatio) {
        throw new SgciError('LIMIT_EXCEEDED', where, `compression ratio beyond ${lim.maxRatio}:1 (zip bomb?)`);
      }
      const start = dataStart.get(entry);
      if (start === undefined) throw new SgciError('ARCHIVE_INVALID', where, 'not an entry of this archive');
      budget.take(where, entry.size);
      const end = start + entry.compressedSize;
      const raw = bytes.subarray(start, end);
      let data: Uint8Array;
      if (entry.method === 0) {
        data = raw;
      } else if (entry.method === 8) {
        try {
          // +1 so that a stream inflating past its declared size is caught below, not truncated silently
          data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size + 1) });
        } catch (error) {
          throw new SgciError('ARCHIVE_INVALID', where, 'deflate data is corrupt or larger than declared', {
            cause: error,
          });
        }
      } else {
        throw new SgciError('ARCHIVE_INVALID', where, `unsupported compression method ${entry.method}`);
      }
      if (data.length !== entry.size) {
        throw new SgciError('ARCHIVE_INVALID', where, `inflated to ${data.length} bytes, declared ${entry.size}`);
      }
      if (crc32(data) >>> 0 !== entry.crc32) throw new SgciError('ARCHIVE_INVALID', where, 'CRC-32 mismatch');
      return data;
    },
  };
}

/**
 * One entry per local header (records naming the same offset after the first are dropped) and
 * where each entry's data starts. Entries sorted by offset must each end before the next begins
 * and before the central directory: overlapping data refuses the whole archive.
 */
function placeEntries(
  entries: readonly ZipEntry[],
  cdOffset: number,
  u16: (at: number) => number,
  u32: (at: number) => number,
  fail: (message: string) => never,
): { unique: ZipEntry[]; dataStart: Map<ZipEntry, number> } {
  const byOffset = new Map<number, ZipEntry>();
  const unique: ZipEntry[] = [];
  for (const e of entries) {
    if (byOffset.has(e.offset)) continue;
    byOffset.set(e.offset, e);
    unique.push(e);
  }
  const dataStart = new Map<ZipEntry, number>();
  const sorted = [...unique].sort((a, b) => a.offset - b.offset);
  for (const [i, e] of sorted.entries()) {
    if (u32(e.offset) !== LOCAL) fail(`bad local file header for ${JSON.stringify(e.name)}`);
    const start = e.offset + 30 + u16(e.offset + 26) + u16(e.offset + 28);
    const limit = sorted[i + 1]?.offset ?? cdOffset;
    if (start + e.compressedSize > limit) {
      fail(
        `entry ${JSON.stringify(e.name)} overlaps ${i + 1 < sorted.length ? 'another entry' : 'the central directory'} (zip bomb?)`,
      );
    }
    dataStart.set(e, start);
  }
  return { unique, dataStart };
}
