import { SgciError } from '../../core/index.ts';
import type { FileEntry, FileTreeView } from '../types.ts';
import { EntryTable } from './entry-table.ts';
import { compileGlob, literalPrefix } from './glob.ts';
import { PathIndex } from './path-index.ts';
import { normalizeImagePath } from './paths.ts';
import { NodeRows, type RowIndex } from './row-index.ts';

/** Linux's MAXSYMLINKS: more hops than this is a loop as far as the kernel is concerned. */
export const maxSymlinkHops = 40;

/**
 * What the pass kept of file content, keyed by EntryTable row so that every view sharing an entry
 * (squashed, its layer) reads the same bytes. `skipped` holds why a wanted file was not kept.
 */
export interface ContentStore {
  readonly captured: Map<number, Uint8Array>;
  readonly skipped: Map<number, string>;
  /**
   * Each hardlink and the regular-file row whose inode it shares, fixed when the link was
   * unpacked: replacing or deleting the target's path later leaves the link's bytes as they were.
   */
  readonly links: Map<number, number>;
}

export function emptyContentStore(): ContentStore {
  return { captured: new Map(), skipped: new Map(), links: new Map() };
}

/**
 * Resolves symlinks in every component of `path` the way the kernel would inside a chroot (and
 * runtimes do with securejoin when they unpack): absolute targets restart at the image root, `..`
 * never climbs above it, a missing component is taken as it is, and more than `maxSymlinkHops`
 * links (a loop) gives undefined. `linkAt` gives the target of the symlink at a path, if one is there.
 */
export function resolveSymlinks(linkAt: (path: string) => string | undefined, path: string): string | undefined {
  const pending = path.split('/').reverse();
  let resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.pop() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    resolved.push(part);
    const target = linkAt(`/${resolved.join('/')}`);
    if (target === undefined) continue;
    hops++;
    if (hops > maxSymlinkHops) return undefined;
    resolved.pop();
    if (target.startsWith('/')) resolved = [];
    const targetParts = target.split('/');
    for (let i = targetParts.length - 1; i >= 0; i--) pending.push(targetParts[i] as string);
  }
  return `/${resolved.join('/')}`;
}

/** The target of the symlink `rows` holds at `path`, if it holds one there. */
export function symlinkTarget(table: EntryTable, rows: RowIndex, path: string): string | undefined {
  const row = rows.rowAt(table.paths.find(path));
  return row >= 0 && table.type(row) === 'symlink' ? table.linkTarget(row) : undefined;
}

/**
 * A read-only view over the rows of an EntryTable that `rows` holds. Entries are made as they are asked
 * for; the view keeps only the rows' order by path, once someone lists or globs it.
 */
export class FileTree implements FileTreeView {
  readonly #table: EntryTable;
  readonly #rows: RowIndex;
  readonly #content: ContentStore;
  #sorted: Int32Array | undefined;

  constructor(table: EntryTable, rows: RowIndex, content: ContentStore) {
    this.#table = table;
    this.#rows = rows;
    this.#content = content;
  }

  get size(): number {
    return this.#rows.size;
  }

  get(path: string, options?: { followSymlinks?: boolean }): FileEntry | undefined {
    const { path: normal } = normalizeImagePath(path);
    const resolved = options?.followSymlinks ? this.resolve(normal) : normal;
    if (resolved === undefined) return undefined;
    const row = this.#rowAt(resolved);
    return row < 0 ? undefined : this.#table.entry(row);
  }

  /**
   * Resolves symlinks in every component of `path` the way the kernel would inside a chroot:
   * absolute targets restart at the image root, `..` never climbs above it, and more than
   * `maxSymlinkHops` links (a loop) gives undefined.
   */
  resolve(path: string): string | undefined {
    return resolveSymlinks((p) => symlinkTarget(this.#table, this.#rows, p), path);
  }

  glob(pattern: string): readonly FileEntry[] {
    const matches = compileGlob(pattern);
    const table = this.#table;
    const sorted = this.#sortedRows();
    // a pattern under a literal directory (`/var/lib/dpkg/info/*.list`, most of the catalogers' globs) tests only
    // the sorted run of paths below it, not every entry of the tree
    const prefix = literalPrefix(pattern);
    const found: FileEntry[] = [];
    for (let i = prefix === '' ? 0 : this.#firstAtOrAfter(prefix); i < sorted.length; i++) {
      const row = sorted[i] as number;
      const path = table.path(row);
      if (!path.startsWith(prefix)) break;
      if (matches(path)) found.push(table.entry(row));
    }
    return found;
  }

  entries(): Iterable<FileEntry> {
    const table = this.#table;
    const sorted = this.#sortedRows();
    return {
      *[Symbol.iterator]() {
        for (const row of sorted) yield table.entry(row);
      },
    };
  }

  hasContent(entry: FileEntry): boolean {
    const source = this.#contentSource(entry);
    return source >= 0 && this.#content.captured.has(source);
  }

  async read(entry: FileEntry): Promise<Uint8Array> {
    const source = this.#contentSource(entry);
    if (source < 0) {
      throw new SgciError('IO_ERROR', entry.path, `${entry.type} ${entry.linkTarget ?? ''} does not lead to a file`);
    }
    const content = this.#content.captured.get(source);
    if (content !== undefined) return content;
    const skipped = this.#content.skipped.get(source);
    if (skipped !== undefined) throw new SgciError('LIMIT_EXCEEDED', entry.path, skipped);
    throw new SgciError(
      'USAGE',
      entry.path,
      'content was not captured during the filesystem pass (declare the path or a glob in FileNeeds)',
    );
  }

  #rowAt(path: string): number {
    return this.#rows.rowAt(this.#table.paths.find(path));
  }

  /**
   * The row this view holds for `entry`: the one at its path, if written by the same layer (an entry of
   * another view, such as a hidden one, has no content here).
   */
  #rowOf(entry: FileEntry): number {
    const row = this.#rowAt(entry.path);
    return row >= 0 && this.#table.layer(row) === entry.layer ? row : -1;
  }

  /** The regular-file row whose bytes `entry` stands for: itself, a hardlink's or a symlink's target; -1 for none. */
  #contentSource(entry: FileEntry): number {
    if (entry.type === 'file') return this.#rowOf(entry);
    if (entry.type === 'hardlink' && entry.linkTarget !== undefined) {
      const row = this.#rowOf(entry);
      const linked = row < 0 ? undefined : this.#content.links.get(row);
      if (linked !== undefined) return linked;
      const target = this.#rowAt(entry.linkTarget);
      return target >= 0 && this.#table.type(target) === 'file' ? target : -1;
    }
    if (entry.type === 'symlink') {
      const resolved = this.resolve(entry.path);
      const target = resolved === undefined ? -1 : this.#rowAt(resolved);
      return target >= 0 && this.#table.type(target) === 'file' ? target : -1;
    }
    return -1;
  }

  /** The index in the sorted rows of the first path not below `path` in code-unit order (the sort's order). */
  #firstAtOrAfter(path: string): number {
    const sorted = this.#sortedRows();
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#table.path(sorted[middle] as number) < path) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #sortedRows(): Int32Array {
    if (this.#sorted === undefined) {
      const table = this.#table;
      // filled and sorted in place: an array grown row by row and copied left ~7 MiB of garbage at 300,000 files
      const sorted = new Int32Array(this.#rows.size);
      let n = 0;
      for (const row of this.#rows.rows()) sorted[n++] = row;
      this.#sorted = sorted.sort((a, b) => {
        const pa = table.path(a);
        const pb = table.path(b);
        return pa < pb ? -1 : pa > pb ? 1 : 0;
      });
    }
    return this.#sorted;
  }
}

/**
 * A view from ready-made entries, for tests and for the `dir:` source. Paths are normalised;
 * a later item for the same path replaces an earlier one.
 */
export function buildFileTree(items: Iterable<{ entry: FileEntry; content?: Uint8Array }>): FileTreeView {
  const table = new EntryTable(new PathIndex());
  const rows = new NodeRows(table.paths);
  const content = emptyContentStore();
  for (const { entry, content: bytes } of items) {
    const node = table.paths.intern(normalizeImagePath(entry.path).path);
    const previous = rows.rowAt(node);
    if (previous >= 0) content.captured.delete(previous);
    const row = table.add(node, entry);
    rows.set(node, row);
    if (bytes !== undefined) content.captured.set(row, bytes);
  }
  return new FileTree(table, rows, content);
}
