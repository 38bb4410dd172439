import { Int32Column } from './column.ts';
import { parentPath } from './paths.ts';

const none = -1;

/**
 * The absolute paths a tree has ever held, each a small number (a node) with its children:
 * what the squashed tree, its whiteouts and its per-layer views key by. One string per path (the one the
 * entries hand out, so shared) and a few typed-array slots, in place of a `Map` entry per path and a `Set`
 * of children per directory. Nodes are never removed: a path once seen keeps its number, which is what
 * lets every view of the image share one index.
 */
export class PathIndex {
  readonly #paths: string[] = [];
  readonly #firstChild = new Int32Column();
  readonly #nextSibling = new Int32Column();
  /** Open addressing on the path's hash (at most 3/4 full): node + 1 in each used slot, 0 free. */
  #slots = new Int32Array(1024);

  get size(): number {
    return this.#paths.length;
  }

  /** The node of `path` (absolute, normalised), or -1 when no entry ever had it. */
  find(path: string): number {
    const mask = this.#slots.length - 1;
    for (let slot = hash(path) & mask; ; slot = (slot + 1) & mask) {
      const stored = this.#slots[slot] as number;
      if (stored === 0) return none;
      if (this.#paths[stored - 1] === path) return stored - 1;
    }
  }

  /** The node of `path`, added with every missing ancestor (linked below its parent) when new. */
  intern(path: string): number {
    const found = this.find(path);
    if (found !== none) return found;
    const node = this.#add(path);
    if (path !== '/') {
      const parent = this.intern(parentPath(path));
      this.#nextSibling.set(node, this.#firstChild.get(parent));
      this.#firstChild.set(parent, node);
    }
    return node;
  }

  path(node: number): string {
    return this.#paths[node] as string;
  }

  firstChild(node: number): number {
    return this.#firstChild.get(node);
  }

  /** The next child of the same parent, or -1. Children come newest first. */
  nextSibling(node: number): number {
    return this.#nextSibling.get(node);
  }

  /** Every node below `node` (not itself), depth first. */
  *below(node: number): Generator<number> {
    const stack = [node];
    while (stack.length > 0) {
      for (let child = this.firstChild(stack.pop() as number); child !== none; child = this.nextSibling(child)) {
        yield child;
        stack.push(child);
      }
    }
  }

  #add(path: string): number {
    const node = this.#paths.length;
    this.#paths.push(path);
    if (4 * this.#paths.length > 3 * this.#slots.length) this.#grow();
    else this.#place(node);
    return node;
  }

  #place(node: number): void {
    const mask = this.#slots.length - 1;
    let slot = hash(this.#paths[node] as string) & mask;
    while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
    this.#slots[slot] = node + 1;
  }

  #grow(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    for (let node = 0; node < this.#paths.length; node++) this.#place(node);
  }
}

/** FNV-1a over the UTF-16 code units: spreads paths that share long prefixes. */
function hash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
