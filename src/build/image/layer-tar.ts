import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, zstdCompressSync } from 'node:zlib';
import { SgciError } from '../../core/index.ts';
import { compareTreeOrder, type TreeNode } from './tree.ts';

const block = 512;
/** ustar's octal size field holds 11 digits: 8 GiB - 1. */
const maxUstarSize = 0o77777777777;
const maxUstarId = 0o7777777;

function octal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'latin1');
}

/** One ustar header written at `at` of `out` (zeroed): numeric owners only (no user or group names), no device numbers, no host data. */
function writeUstarHeader(
  out: Buffer,
  at: number,
  name: string,
  prefix: string,
  typeflag: string,
  node: { mode: number; uid: number; gid: number; size: number; mtime: number; linkname?: string | undefined },
): void {
  const header = out.subarray(at, at + block);
  header.write(name, 0, 100, 'utf8');
  octal(header, 100, 8, node.mode);
  octal(header, 108, 8, node.uid);
  octal(header, 116, 8, node.gid);
  octal(header, 124, 12, node.size);
  octal(header, 136, 12, node.mtime);
  header.write(typeflag, 156, 1, 'latin1');
  if (node.linkname) header.write(node.linkname, 157, 100, 'utf8');
  header.write('ustar\u000000', 257, 8, 'latin1');
  octal(header, 329, 8, 0);
  octal(header, 337, 8, 0);
  header.write(prefix, 345, 155, 'utf8');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < block; i++) sum += header[i] as number;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return `${length}${body}`;
}

/** `size` rounded up to whole blocks. */
function padded(size: number): number {
  return Math.ceil(size / block) * block;
}

/** ustar name/prefix for `path`, or undefined when it does not fit (then a PAX `path` record carries it). */
function splitName(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { name, prefix };
  }
  return undefined;
}

interface Entry {
  readonly path: string;
  readonly typeflag: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly content?: Buffer | undefined;
  readonly linkname?: string | undefined;
}

/** An entry checked and laid out: its PAX records (when a name does not fit ustar), ustar name and size. */
interface Planned {
  readonly entry: Entry;
  readonly pax: Buffer | undefined;
  readonly name: string;
  readonly prefix: string;
  readonly linkname: string | undefined;
  readonly size: number;
  /** Bytes of the entry in the tar: PAX header and records, header, content, padding. */
  readonly bytes: number;
}

function plan(entry: Entry): Planned {
  const size = entry.content?.length ?? 0;
  if (size > maxUstarSize) throw new SgciError('LIMIT_EXCEEDED', entry.path, 'file larger than 8 GiB');
  if (entry.uid > maxUstarId || entry.gid > maxUstarId)
    throw new SgciError('LIMIT_EXCEEDED', entry.path, `owner ${entry.uid}:${entry.gid} beyond ustar's range`);
  const split = splitName(entry.path);
  const linkFits = entry.linkname === undefined || Buffer.byteLength(entry.linkname) <= 100;
  // Only the records that do not fit: no atime, ctime or anything else a host would add.
  const pax =
    split === undefined || !linkFits
      ? Buffer.from(
          (split === undefined ? paxRecord('path', entry.path) : '') +
            (linkFits ? '' : paxRecord('linkpath', entry.linkname ?? '')),
        )
      : undefined;
  const { name, prefix } = split ?? { name: entry.path.slice(0, 100), prefix: '' };
  return {
    entry,
    pax,
    name,
    prefix,
    linkname: linkFits ? entry.linkname : '',
    size,
    bytes: (pax ? block + padded(pax.length) : 0) + block + padded(size),
  };
}

/** Writes a planned entry at `at` of the zeroed `out`; returns where the next one starts. */
function writeEntry(out: Buffer, at: number, planned: Planned): number {
  const { entry, pax, size } = planned;
  let offset = at;
  if (pax) {
    writeUstarHeader(out, offset, 'PaxHeader', '', 'x', {
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: pax.length,
      mtime: entry.mtime,
    });
    pax.copy(out, offset + block);
    offset += block + padded(pax.length);
  }
  writeUstarHeader(out, offset, planned.name, planned.prefix, entry.typeflag, {
    ...entry,
    size,
    linkname: planned.linkname,
  });
  offset += block;
  if (entry.content && size > 0) entry.content.copy(out, offset);
  return offset + padded(size);
}

/** Nodes in tree order: as given when they already are (the tree hands them over sorted), else sorted. */
function inTreeOrder(nodes: readonly TreeNode[]): readonly TreeNode[] {
  for (let i = 1; i < nodes.length; i++)
    if (compareTreeOrder((nodes[i - 1] as TreeNode).path, (nodes[i] as TreeNode).path) >= 0)
      return [...nodes].sort((a, b) => compareTreeOrder(a.path, b.path));
  return nodes;
}

/**
 * The entries of the layer tar of `nodes`, checked and laid out (`Planned`), and the tar's size: written afterwards
 * into one buffer, without a buffer per header or a copy of the whole to join them.
 */
function laidOut(nodes: readonly TreeNode[], epoch: number): { planned: Planned[]; total: number } {
  const sorted = inTreeOrder(nodes);
  const byPath = new Map(sorted.map((n) => [n.path, n]));
  // hardlinked files: each member's group leader (first in order) and the file the package linked them to
  const leaderOf = new Map<string, string>();
  const sourceOf = new Map<string, TreeNode>();
  const groups = new Map<string, string[]>();
  for (const node of sorted) {
    if (node.type !== 'hardlink' || node.linkTarget === undefined) continue;
    const group = groups.get(node.linkTarget) ?? [node.linkTarget];
    group.push(node.path);
    groups.set(node.linkTarget, group);
  }
  for (const [target, members] of groups) {
    const leader = members.reduce((a, b) => (compareTreeOrder(a, b) < 0 ? a : b));
    const source = byPath.get(target);
    for (const member of members) {
      leaderOf.set(member, leader);
      if (source) sourceOf.set(member, source);
    }
  }
  const planned: Planned[] = [];
  let total = 2 * block;
  for (const node of sorted) {
    const name = node.path.slice(1) + (node.type === 'dir' ? '/' : '');
    const mtime = Math.min(node.mtime, epoch);
    const base = { path: name, mode: node.mode, uid: node.uid, gid: node.gid, mtime };
    const leader = leaderOf.get(node.path);
    const source = sourceOf.get(node.path) ?? node;
    let entry: Entry;
    if (leader !== undefined) {
      const shared = { ...base, mode: source.mode, uid: source.uid, gid: source.gid };
      entry =
        leader === node.path
          ? { ...shared, typeflag: '0', content: source.content }
          : { ...shared, typeflag: '1', linkname: leader.slice(1) };
    } else if (node.type === 'dir') entry = { ...base, typeflag: '5' };
    else if (node.type === 'symlink') entry = { ...base, typeflag: '2', linkname: node.linkTarget ?? '' };
    else entry = { ...base, typeflag: '0', content: node.content ?? Buffer.alloc(0) };
    const p = plan(entry);
    planned.push(p);
    total += p.bytes;
  }
  return { planned, total };
}

/** Writes the laid-out entries into one buffer, telling `progress` after each how far the bytes are final. */
function writeTar(
  layout: { readonly planned: readonly Planned[]; readonly total: number },
  progress?: (out: Buffer, final: number) => void,
): Buffer {
  const out = Buffer.alloc(layout.total);
  let offset = 0;
  for (const p of layout.planned) {
    offset = writeEntry(out, offset, p);
    progress?.(out, offset);
  }
  return out;
}

/**
 * The layer tar of `nodes` as the same bytes on every machine: entries in tree order (parents first), paths relative
 * without `./` (directories with a trailing `/`), mtimes clamped to `epoch`, numeric owners, no user or group names,
 * PAX only where a name does not fit ustar. Of files hardlinked together the one first in order carries the bytes
 * and the others link to it, whichever the package listed first.
 */
export function layerTar(nodes: readonly TreeNode[], epoch: number): Buffer {
  return writeTar(laidOut(nodes, epoch));
}

/**
 * The tar is deflated in blocks of this size, each with the 32 KiB before it as its dictionary (pigz's scheme): a
 * fixed constant, so the bytes never depend on the number of cores. 1 MiB: 128 KiB blocks (pigz's default) cost
 * 15 % more CPU on the cc set for priming each block's dictionary, for 0.1 % smaller layers.
 */
export const gzipBlockBytes = 1024 * 1024;
const windowBytes = 32 * 1024;

const deflateBlock = promisify(deflateRaw);

/** Blocks deflated at once: enough to keep libuv's threads busy, few enough to bound the memory of their states. */
const defaultInFlight = Math.min(availableParallelism(), 4);

/**
 * gzip with a fixed header (no name, mtime 0, XFL 0, OS 255 "unknown") around raw deflate at `level` (the build
 * file's `layers.gzipLevel`, so the config digest the lock records pins it), so the header is not the host's (zlib
 * writes its compile-time OS code) and the blob depends only on the tar, the level and zlib.
 * As pigz does, the tar is cut into fixed blocks deflated independently on libuv's thread pool, `inFlight` at a
 * time, each with the previous 32 KiB as its dictionary (so a match may reach back across the cut, as in one
 * stream) and each but the last ending in a sync flush (a byte-aligned empty stored block): their concatenation is
 * one valid deflate stream, whose bytes depend on the tar alone, never on `inFlight` or which block ends first.
 * A block starts deflating as soon as its bytes are final (`advance`): the tar is still being written while the
 * first blocks compress.
 */
class BlockGzip {
  readonly #data: Buffer;
  readonly #level: number;
  readonly #inFlight: number;
  readonly #count: number;
  readonly #blocks: Buffer[];
  #final = 0;
  #next = 0;
  #running = 0;
  #done = 0;
  #failed: unknown;
  #settle: (() => void) | undefined;

  constructor(data: Buffer, level: number, inFlight: number) {
    this.#data = data;
    this.#level = level;
    this.#inFlight = Math.max(1, inFlight);
    this.#count = Math.max(1, Math.ceil(data.length / gzipBlockBytes));
    this.#blocks = new Array(this.#count);
  }

  /** The bytes before `final` will not change again: every block wholly below it may deflate. */
  advance(final: number): void {
    this.#final = final;
    while (this.#running < this.#inFlight && this.#next < this.#count) {
      const i = this.#next;
      const start = i * gzipBlockBytes;
      if (Math.min(start + gzipBlockBytes, this.#data.length) > final) return;
      this.#next++;
      this.#running++;
      deflateBlock(this.#data.subarray(start, start + gzipBlockBytes), {
        level: this.#level,
        memLevel: 8,
        windowBits: 15,
        // a block's output in one buffer, not zlib's 16 KiB chunks each with a round trip through the thread pool
        // (5 % of the CPU); how the output is chunked never changes its bytes
        chunkSize: gzipBlockBytes + 64 * 1024,
        finishFlush: i === this.#count - 1 ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
        ...(start > 0 ? { dictionary: this.#data.subarray(Math.max(0, start - windowBytes), start) } : {}),
      }).then(
        (deflated) => {
          this.#blocks[i] = deflated;
          this.#ended();
        },
        (error: unknown) => {
          this.#failed ??= error;
          this.#ended();
        },
      );
    }
  }

  #ended(): void {
    this.#running--;
    this.#done++;
    if (this.#failed === undefined) this.advance(this.#final);
    if (this.#running === 0 && (this.#done === this.#count || this.#failed !== undefined)) this.#settle?.();
  }

  /** The gzip member, once all of the data is final. */
  async finish(): Promise<Buffer> {
    this.advance(this.#data.length);
    // the CRC on this thread while the blocks deflate on the pool's
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(this.#data) >>> 0, 0);
    trailer.writeUInt32LE(this.#data.length % 2 ** 32, 4);
    if (this.#running > 0 || (this.#done < this.#count && this.#failed === undefined))
      await new Promise<void>((resolve) => {
        this.#settle = resolve;
      });
    if (this.#failed !== undefined) throw this.#failed;
    const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
    return Buffer.concat([header, ...this.#blocks, trailer]);
  }
}

/** `data` as one fixed gzip member at `level` (`BlockGzip`), `inFlight` blocks deflating at a time. */
export function gzipFixed(data: Buffer, level: number, inFlight = defaultInFlight): Promise<Buffer> {
  return new BlockGzip(data, level, inFlight).finish();
}

/**
 * `layerTar` and its fixed gzip at `level` together: each block of the tar starts deflating on libuv's pool as soon
 * as it is written, while this thread writes the rest. The same bytes as `gzipFixed(layerTar(nodes, epoch), level)`.
 */
export function gzippedLayerTar(
  nodes: readonly TreeNode[],
  epoch: number,
  level: number,
): { readonly tar: Buffer; readonly gzipped: Promise<Buffer> } {
  let gzip: BlockGzip | undefined;
  const tar = writeTar(laidOut(nodes, epoch), (out, final) => {
    gzip ??= new BlockGzip(out, level, defaultInFlight);
    gzip.advance(final);
  });
  gzip ??= new BlockGzip(tar, level, defaultInFlight);
  return { tar, gzipped: gzip.finish() };
}

/** The zstd level every zstd build uses; one frame, no worker threads, so the bytes depend only on the tar and zstd. */
const zstdLevel = 3;

export function zstdFixed(data: Buffer): Buffer {
  return zstdCompressSync(data, {
    params: { [constants.ZSTD_c_compressionLevel]: zstdLevel, [constants.ZSTD_c_checksumFlag]: 1 },
  });
}
