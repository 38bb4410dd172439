import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, zstdCompressSync } from 'node:zlib';
import { SgciError } from '../../core/index.ts';
import { type TreeNode, treeOrderKey } from './tree.ts';

const block = 512;
/** ustar's octal size field holds 11 digits: 8 GiB - 1. */
const maxUstarSize = 0o77777777777;
const maxUstarId = 0o7777777;

function octal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'latin1');
}

/** One ustar header: numeric owners only (no user or group names), no device numbers, no host data. */
function ustarHeader(
  name: string,
  prefix: string,
  typeflag: string,
  node: { mode: number; uid: number; gid: number; size: number; mtime: number; linkname?: string },
): Buffer {
  const header = Buffer.alloc(block);
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
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return header;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return `${length}${body}`;
}

function padding(size: number): Buffer {
  return Buffer.alloc((block - (size % block)) % block);
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
  readonly content?: Buffer;
  readonly linkname?: string;
}

function entryBytes(entry: Entry, out: Buffer[]): void {
  const size = entry.content?.length ?? 0;
  if (size > maxUstarSize) throw new SgciError('LIMIT_EXCEEDED', entry.path, 'file larger than 8 GiB');
  if (entry.uid > maxUstarId || entry.gid > maxUstarId)
    throw new SgciError('LIMIT_EXCEEDED', entry.path, `owner ${entry.uid}:${entry.gid} beyond ustar's range`);
  const split = splitName(entry.path);
  const linkFits = entry.linkname === undefined || Buffer.byteLength(entry.linkname) <= 100;
  if (split === undefined || !linkFits) {
    // Only the records that do not fit: no atime, ctime or anything else a host would add.
    const records =
      (split === undefined ? paxRecord('path', entry.path) : '') +
      (linkFits ? '' : paxRecord('linkpath', entry.linkname ?? ''));
    const body = Buffer.from(records);
    out.push(
      ustarHeader('PaxHeader', '', 'x', { mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: entry.mtime }),
      body,
      padding(body.length),
    );
  }
  const { name, prefix } = split ?? { name: entry.path.slice(0, 100), prefix: '' };
  const linkname = linkFits ? entry.linkname : '';
  out.push(ustarHeader(name, prefix, entry.typeflag, { ...entry, size, linkname }));
  if (entry.content && size > 0) out.push(entry.content, padding(size));
}

/**
 * The layer tar of `nodes` as the same bytes on every machine: entries in tree order (parents first), paths relative
 * without `./` (directories with a trailing `/`), mtimes clamped to `epoch`, numeric owners, no user or group names,
 * PAX only where a name does not fit ustar. Of files hardlinked together the one first in order carries the bytes
 * and the others link to it, whichever the package listed first.
 */
export function layerTar(nodes: readonly TreeNode[], epoch: number): Buffer {
  const sorted = [...nodes].sort((a, b) => {
    const ka = treeOrderKey(a.path);
    const kb = treeOrderKey(b.path);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
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
    const leader = members.reduce((a, b) => (treeOrderKey(a) < treeOrderKey(b) ? a : b));
    const source = byPath.get(target);
    for (const member of members) {
      leaderOf.set(member, leader);
      if (source) sourceOf.set(member, source);
    }
  }
  const out: Buffer[] = [];
  for (const node of sorted) {
    const name = node.path.slice(1) + (node.type === 'dir' ? '/' : '');
    const mtime = Math.min(node.mtime, epoch);
    const base = { path: name, mode: node.mode, uid: node.uid, gid: node.gid, mtime };
    const leader = leaderOf.get(node.path);
    const source = sourceOf.get(node.path) ?? node;
    if (leader !== undefined) {
      const shared = { ...base, mode: source.mode, uid: source.uid, gid: source.gid };
      if (leader === node.path) entryBytes({ ...shared, typeflag: '0', content: source.content }, out);
      else entryBytes({ ...shared, typeflag: '1', linkname: leader.slice(1) }, out);
      continue;
    }
    if (node.type === 'dir') entryBytes({ ...base, typeflag: '5' }, out);
    else if (node.type === 'symlink') entryBytes({ ...base, typeflag: '2', linkname: node.linkTarget ?? '' }, out);
    else entryBytes({ ...base, typeflag: '0', content: node.content ?? Buffer.alloc(0) }, out);
  }
  out.push(Buffer.alloc(2 * block));
  return Buffer.concat(out);
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
 */
export async function gzipFixed(data: Buffer, level: number, inFlight = defaultInFlight): Promise<Buffer> {
  const count = Math.max(1, Math.ceil(data.length / gzipBlockBytes));
  const blocks: Buffer[] = new Array(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const start = i * gzipBlockBytes;
      const last = i === count - 1;
      blocks[i] = await deflateBlock(data.subarray(start, start + gzipBlockBytes), {
        level,
        memLevel: 8,
        windowBits: 15,
        // a block's output in one buffer, not zlib's 16 KiB chunks each with a round trip through the thread pool
        // (5 % of the CPU); how the output is chunked never changes its bytes
        chunkSize: gzipBlockBytes + 64 * 1024,
        finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
        ...(start > 0 ? { dictionary: data.subarray(Math.max(0, start - windowBytes), start) } : {}),
      });
    }
  };
  const lanes: Promise<void>[] = [];
  for (let l = 0; l < Math.max(1, Math.min(inFlight, count)); l++) lanes.push(lane());
  // the CRC on this thread while the blocks deflate on the pool's
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  await Promise.all(lanes);
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
  return Buffer.concat([header, ...blocks, trailer]);
}

/** The zstd level every zstd build uses; one frame, no worker threads, so the bytes depend only on the tar and zstd. */
const zstdLevel = 3;

export function zstdFixed(data: Buffer): Buffer {
  return zstdCompressSync(data, {
    params: { [constants.ZSTD_c_compressionLevel]: zstdLevel, [constants.ZSTD_c_checksumFlag]: 1 },
  });
}
