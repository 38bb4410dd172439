import type { FileEntry, FileType } from '../types.ts';
import { Column } from './column.ts';
import type { PathIndex } from './path-index.ts';

const types: readonly FileType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
const typeCode = new Map(types.map((type, code) => [type, code]));

/** An entry's fields as they go into the table: its path already a node of the table's PathIndex. */
export type EntryFields = Omit<FileEntry, 'path'>;

/**
 * Every entry of every layer a pass has read, as columns (struct of arrays): about 35 bytes a row and a
 * path node, where an object per entry took ~100 bytes plus its place in maps and lists. A `FileEntry` object
 * is made only when someone asks for a row (a view's `get`, `glob`, `entries`, a visitor) and is garbage
 * once they are done with it; link targets and xattrs, which few entries have, sit in maps by row.
 */
export class EntryTable {
  readonly paths: PathIndex;
  /** Where an entry this table handed out keeps its row, so content and views find it without a search. */
  readonly #rowKey = Symbol('sgci.entryRow');
  #rows = 0;
  readonly #node = new Column((n) => new Int32Array(n));
  readonly #type = new Column((n) => new Uint8Array(n));
  readonly #mode = new Column((n) => new Uint16Array(n));
  readonly #uid = new Column((n) => new Uint32Array(n));
  readonly #gid = new Column((n) => new Uint32Array(n));
  readonly #layer = new Column((n) => new Uint32Array(n));
  readonly #size = new Column((n) => new Float64Array(n));
  /** NaN: the header gave none. */
  readonly #mtime = new Column((n) => new Float64Array(n));
  readonly #linkTargets = new Map<number, string>();
  readonly #xattrs = new Map<number, Readonly<Record<string, Uint8Array>>>();

  constructor(paths: PathIndex) {
    this.paths = paths;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Appends an entry at path node `node`; returns its row. */
  add(node: number, fields: EntryFields): number {
    const row = this.#rows++;
    this.#node.set(row, node);
    this.#type.set(row, typeCode.get(fields.type) as number);
    this.#mode.set(row, fields.mode);
    this.#uid.set(row, fields.uid);
    this.#gid.set(row, fields.gid);
    this.#layer.set(row, fields.layer);
    this.#size.set(row, fields.size);
    this.#mtime.set(row, fields.mtime ?? Number.NaN);
    if (fields.linkTarget !== undefined) this.#linkTargets.set(row, fields.linkTarget);
    if (fields.xattrs !== undefined) this.#xattrs.set(row, fields.xattrs);
    return row;
  }

  /** The row of an entry this table handed out, or undefined for one made elsewhere. */
  rowOf(entry: FileEntry): number | undefined {
    return (entry as unknown as Record<symbol, number | undefined>)[this.#rowKey];
  }

  node(row: number): number {
    return this.#node.get(row);
  }

  path(row: number): string {
    return this.paths.path(this.#node.get(row));
  }

  type(row: number): FileType {
    return types[this.#type.get(row)] as FileType;
  }

  layer(row: number): number {
    return this.#layer.get(row);
  }

  size(row: number): number {
    return this.#size.get(row);
  }

  linkTarget(row: number): string | undefined {
    return this.#linkTargets.get(row);
  }

  /** The row's fields other than its path, as `add` takes them: what a hardlink copies from its target. */
  fields(row: number): EntryFields {
    const mtime = this.#mtime.get(row);
    return {
      type: this.type(row),
      mode: this.#mode.get(row),
      uid: this.#uid.get(row),
      gid: this.#gid.get(row),
      size: this.#size.get(row),
      xattrs: this.#xattrs.get(row),
      mtime: Number.isNaN(mtime) ? undefined : mtime,
      linkTarget: this.#linkTargets.get(row),
      layer: this.#layer.get(row),
    };
  }

  /** A fresh `FileEntry` for `row`, carrying the row for the views it is handed back to. */
  entry(row: number): FileEntry {
    const mtime = this.#mtime.get(row);
    const entry: FileEntry = {
      path: this.path(row),
      type: this.type(row),
      mode: this.#mode.get(row),
      uid: this.#uid.get(row),
      gid: this.#gid.get(row),
      size: this.#size.get(row),
      xattrs: this.#xattrs.get(row),
      mtime: Number.isNaN(mtime) ? undefined : mtime,
      linkTarget: this.#linkTargets.get(row),
      layer: this.#layer.get(row),
    };
    // Not enumerable: the entry still equals (deepEqual) and serialises like one written out by hand.
    return Object.defineProperty(entry, this.#rowKey, { value: row });
  }
}
