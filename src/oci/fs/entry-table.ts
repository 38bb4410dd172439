import type { FileEntry, FileType } from '../types.ts';
import { chunkBits, chunkRows, rowMask } from './column.ts';
import type { PathIndex } from './path-index.ts';

const types: readonly FileType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
const typeCode = new Map(types.map((type, code) => [type, code]));

/** An entry's fields as they go into the table: its path already a node of the table's PathIndex. */
export type EntryFields = Omit<FileEntry, 'path'>;

/** One chunk of rows, a typed array per field (so each field's accesses see one array type). */
interface Chunk {
  readonly node: Int32Array;
  readonly type: Uint8Array;
  readonly mode: Uint16Array;
  readonly uid: Uint32Array;
  readonly gid: Uint32Array;
  readonly layer: Uint32Array;
  /** `spilled`: in the table's map of values past 32 bits. */
  readonly size: Uint32Array;
  /** Whole seconds from 1970 to 2106; `spilled` for none, earlier, later or fractional (in the map). */
  readonly mtime: Uint32Array;
}

/** Marks a size or mtime kept in a map: almost every value fits 32 bits, and 4 bytes a row are 1.2 MiB at 300,000. */
const spilled = 0xffffffff;

function newChunk(): Chunk {
  return {
    node: new Int32Array(chunkRows),
    type: new Uint8Array(chunkRows),
    mode: new Uint16Array(chunkRows),
    uid: new Uint32Array(chunkRows),
    gid: new Uint32Array(chunkRows),
    layer: new Uint32Array(chunkRows),
    size: new Uint32Array(chunkRows),
    mtime: new Uint32Array(chunkRows),
  };
}

/**
 * Every entry of every layer a pass has read, as columns (struct of arrays): 27 bytes a row and a path node,
 * where an object per entry took ~100 bytes plus its place in maps and lists. A `FileEntry` object is made only
 * when someone asks for a row (a view's `get`, `glob`, `entries`, a visitor) and is garbage once they are done
 * with it; link targets and xattrs, which few entries have, sit in maps by row.
 */
export class EntryTable {
  readonly paths: PathIndex;
  readonly #chunks: Chunk[] = [];
  #rows = 0;
  readonly #linkTargets = new Map<number, string>();
  readonly #xattrs = new Map<number, Readonly<Record<string, Uint8Array>>>();
  readonly #sizes = new Map<number, number>();
  readonly #mtimes = new Map<number, number | undefined>();

  constructor(paths: PathIndex) {
    this.paths = paths;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Appends an entry at path node `node`; returns its row. */
  add(node: number, fields: EntryFields): number {
    const row = this.#rows++;
    const at = row & rowMask;
    if (at === 0) this.#chunks.push(newChunk());
    const chunk = this.#chunks[row >>> chunkBits] as Chunk;
    chunk.node[at] = node;
    chunk.type[at] = typeCode.get(fields.type) as number;
    chunk.mode[at] = fields.mode;
    chunk.uid[at] = fields.uid;
    chunk.gid[at] = fields.gid;
    chunk.layer[at] = fields.layer;
    chunk.size[at] = fitsUint32(fields.size) ? fields.size : spill(this.#sizes, row, fields.size);
    chunk.mtime[at] =
      fields.mtime !== undefined && fitsUint32(fields.mtime) ? fields.mtime : spill(this.#mtimes, row, fields.mtime);
    if (fields.linkTarget !== undefined) this.#linkTargets.set(row, fields.linkTarget);
    if (fields.xattrs !== undefined) this.#xattrs.set(row, fields.xattrs);
    return row;
  }

  node(row: number): number {
    return this.#chunk(row).node[row & rowMask] as number;
  }

  path(row: number): string {
    return this.paths.path(this.node(row));
  }

  type(row: number): FileType {
    return types[this.#chunk(row).type[row & rowMask] as number] as FileType;
  }

  layer(row: number): number {
    return this.#chunk(row).layer[row & rowMask] as number;
  }

  linkTarget(row: number): string | undefined {
    return this.#linkTargets.get(row);
  }

  /** A fresh `FileEntry` for `row`; also the fields a hardlink copies from its target. */
  entry(row: number): FileEntry {
    const chunk = this.#chunk(row);
    const at = row & rowMask;
    const size = chunk.size[at] as number;
    const mtime = chunk.mtime[at] as number;
    return {
      path: this.paths.path(chunk.node[at] as number),
      type: types[chunk.type[at] as number] as FileType,
      mode: chunk.mode[at] as number,
      uid: chunk.uid[at] as number,
      gid: chunk.gid[at] as number,
      size: size === spilled ? (this.#sizes.get(row) as number) : size,
      xattrs: this.#xattrs.get(row),
      mtime: mtime === spilled ? this.#mtimes.get(row) : mtime,
      linkTarget: this.#linkTargets.get(row),
      layer: chunk.layer[at] as number,
    };
  }

  #chunk(row: number): Chunk {
    return this.#chunks[row >>> chunkBits] as Chunk;
  }
}

/** Below `spilled` and whole: stored in the column itself. */
function fitsUint32(value: number): boolean {
  return value >= 0 && value < spilled && Number.isInteger(value) && !Object.is(value, -0);
}

function spill<T>(map: Map<number, T>, row: number, value: T): number {
  map.set(row, value);
  return spilled;
}
