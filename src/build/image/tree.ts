import { SgciError } from '../../core/index.ts';
import { normalizeImagePath } from '../../oci/fs/index.ts';

type NodeType = 'file' | 'dir' | 'symlink' | 'hardlink';

/** One path of the image being built; `owners` are the packages that ship it (or `sgci` for what the build writes). */
export interface TreeNode {
  readonly path: string;
  readonly type: NodeType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Seconds since the epoch as the package has it; clamped to the build's epoch when written. */
  readonly mtime: number;
  readonly content?: Buffer;
  /** Symlink target as written, or the absolute path a hardlink points to. */
  readonly linkTarget?: string;
  readonly owners: readonly string[];
}

/** The owner name of everything the build itself writes (accounts, CA bundle, dpkg database, extra files). */
export const buildOwner = 'sgci';

/** Whether two nodes are the same file: what makes a path shipped by two packages acceptable. */
function identical(a: TreeNode, b: TreeNode): boolean {
  return (
    a.type === b.type &&
    a.mode === b.mode &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.linkTarget === b.linkTarget &&
    (a.content === undefined ? b.content === undefined : b.content !== undefined && a.content.equals(b.content))
  );
}

const slash = 0x2f;

/**
 * The tree order of two paths: a directory before everything below it, siblings in code-unit order — the order of
 * the paths with every `/` read as the lowest code unit (no path holds NUL). Compared in place: a sort of the
 * image's thousands of paths allocates nothing.
 */
export function compareTreeOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return (x === slash ? 0 : x) - (y === slash ? 0 : y);
  }
  return a.length - b.length;
}

function byTreeOrder(a: TreeNode, b: TreeNode): number {
  return compareTreeOrder(a.path, b.path);
}

/**
 * The image's files in memory, keyed by absolute normalised path. Every path comes through `normalizeImagePath`
 * first, so nothing here can name a place above `/`; the rules a root filesystem needs (one owner per path unless
 * identical, directories shared, parents present) are enforced as entries arrive.
 */
export class ImageTree {
  readonly #nodes = new Map<string, TreeNode>();
  /** `sorted()`'s answer until the next change: the build asks for the order several times between changes. */
  #order: readonly TreeNode[] | undefined;

  get(path: string): TreeNode | undefined {
    return this.#nodes.get(path);
  }

  has(path: string): boolean {
    return this.#nodes.has(path);
  }

  /**
   * Adds a package's entry. A directory already present stays as it is (packages share directories, the first
   * one's mode wins as with dpkg); any other path already present must be identical, else CONFLICT names both.
   */
  add(node: TreeNode, input: string): void {
    const existing = this.#nodes.get(node.path);
    if (existing === undefined) {
      this.#set(node);
      return;
    }
    if (existing.type === 'dir' && node.type === 'dir') return;
    if (identical(existing, node)) {
      this.#set({ ...existing, owners: [...existing.owners, ...node.owners] });
      return;
    }
    throw new SgciError(
      'CONFLICT',
      input,
      `${node.path} is shipped by ${existing.owners.join(', ')} and by ${node.owners.join(', ')} with different ${
        existing.type === node.type ? 'content or metadata' : `types (${existing.type}, ${node.type})`
      }`,
    );
  }

  /** Writes what the build decides (accounts, bundles, overrides); returns the node it replaced, if any. */
  put(node: TreeNode): TreeNode | undefined {
    const existing = this.#nodes.get(node.path);
    this.#set(node);
    return existing;
  }

  /** Whether anything lies below `dir`; a scan, asked only for directories a path filter did not keep. */
  hasBelow(dir: string): boolean {
    const prefix = `${dir}/`;
    for (const path of this.#nodes.keys()) if (path.startsWith(prefix)) return true;
    return false;
  }

  /** Creates missing parent directories (0755 root) of every path, as tar extraction would. */
  addMissingParents(mtime: number): void {
    for (const path of [...this.#nodes.keys()]) {
      for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
        const parent = path.slice(0, i);
        if (this.#nodes.has(parent)) break;
        this.#set({
          path: parent,
          type: 'dir',
          mode: 0o755,
          uid: 0,
          gid: 0,
          mtime,
          owners: [buildOwner],
        });
      }
    }
  }

  /** Every node, parents first, siblings in code-unit order: the order of the layer tar. */
  sorted(): TreeNode[] {
    this.#order ??= [...this.#nodes.values()].sort(byTreeOrder);
    return [...this.#order];
  }

  /** Every node in no particular order, for a scan that needs no order. */
  nodes(): IterableIterator<TreeNode> {
    return this.#nodes.values();
  }

  #set(node: TreeNode): void {
    this.#nodes.set(node.path, node);
    this.#order = undefined;
  }
}

/** The directories merged /usr folds into /usr (debootstrap's list for Debian bookworm and later). */
const mergedDirs = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'libo32'];

/** `/bin/ls` → `/usr/bin/ls` under merged /usr; other paths unchanged. */
export function mergedUsrPath(path: string): string {
  for (const dir of mergedDirs) {
    if (path === `/${dir}` || path.startsWith(`/${dir}/`)) return `/usr${path}`;
  }
  return path;
}

/** The top-level links merged /usr needs for the directories the tree has below /usr. */
export function mergedUsrLinks(tree: ImageTree): string[] {
  return mergedDirs.filter((dir) => ['bin', 'sbin', 'lib'].includes(dir) || tree.get(`/usr/${dir}`)?.type === 'dir');
}

/**
 * A path from a package's tar as an image path: relative to the root, no `..`, no absolute names (dpkg writes
 * `./usr/...`); ARCHIVE_INVALID names the package and the entry otherwise.
 */
export function packagePath(raw: string, input: string): string {
  if (raw.startsWith('/') || raw.split('/').includes('..'))
    throw new SgciError('ARCHIVE_INVALID', input, `entry ${JSON.stringify(raw)} leaves the package's root`);
  return normalizeImagePath(raw).path;
}
