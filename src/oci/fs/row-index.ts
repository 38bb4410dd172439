import { Int32Column } from './column.ts';
import type { PathIndex } from './path-index.ts';

/** Which row of an EntryTable one view holds at each path node. */
export interface RowIndex {
  readonly size: number;
  /** The row at `node`, or -1 (also for node -1, a path never seen). */
  rowAt(node: number): number;
  /** Every row the view holds, in no particular order. */
  rows(): Iterable<number>;
}

/** A view that changes as layers are applied (the squashed tree): one Int32 slot per path node. */
export class NodeRows implements RowIndex {
  readonly #paths: PathIndex;
  readonly #rows = new Int32Column();
  #size = 0;

  constructor(paths: PathIndex) {
    this.#paths = paths;
  }

  get size(): number {
    return this.#size;
  }

  rowAt(node: number): number {
    return node < 0 ? -1 : this.#rows.get(node);
  }

  /** Puts `row` at `node`; -1 takes the node out of the view. */
  set(node: number, row: number): void {
    const before = this.#rows.get(node);
    if (before < 0 && row >= 0) this.#size++;
    else if (before >= 0 && row < 0) this.#size--;
    this.#rows.set(node, row);
  }

  *rows(): Generator<number> {
    for (let node = 0; node < this.#paths.size; node++) {
      const row = this.#rows.get(node);
      if (row >= 0) yield row;
    }
  }
}

/** A view fixed once built (one layer's own entries), for the few who ask for one. */
export class MapRows implements RowIndex {
  readonly #byNode: ReadonlyMap<number, number>;

  constructor(byNode: ReadonlyMap<number, number>) {
    this.#byNode = byNode;
  }

  get size(): number {
    return this.#byNode.size;
  }

  rowAt(node: number): number {
    return this.#byNode.get(node) ?? -1;
  }

  rows(): Iterable<number> {
    return this.#byNode.values();
  }
}

/** One layer's rows in tar order: 4 bytes a row (a JavaScript array of numbers takes 8, and grows by half again). */
export class RowList implements Iterable<number> {
  #rows = new Int32Array(64);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(row: number): void {
    if (this.#length === this.#rows.length) {
      const grown = new Int32Array(this.#rows.length * 2);
      grown.set(this.#rows);
      this.#rows = grown;
    }
    this.#rows[this.#length++] = row;
  }

  /** Puts `row` where `earlier` stands last; a duplicate path in a layer is rare, so a search from the end is enough. */
  replace(earlier: number, row: number): void {
    const at = this.#rows.subarray(0, this.#length).lastIndexOf(earlier);
    if (at >= 0) this.#rows[at] = row;
  }

  *[Symbol.iterator](): Generator<number> {
    for (let i = 0; i < this.#length; i++) yield this.#rows[i] as number;
  }
}
