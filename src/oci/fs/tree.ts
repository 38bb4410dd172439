import { SgciError } from '../../core/index.ts';
import type { FileEntry, FileTreeView } from '../types.ts';
import { compileGlob } from './glob.ts';
import { normalizeImagePath } from './paths.ts';

/** Linux's MAXSYMLINKS: more hops than this is a loop as far as the kernel is concerned. */
export const maxSymlinkHops = 40;

/**
 * What the pass kept of file content, keyed by entry object so that every view sharing an entry
 * (squashed, its layer) reads the same bytes. `skipped` holds why a wanted file was not kept.
 */
export interface ContentStore {
  readonly captured: Map<FileEntry, Uint8Array>;
  readonly skipped: Map<FileEntry, string>;
  /**
   * Each hardlink and the regular-file entry whose inode it shares, fixed when the link was
   * unpacked: replacing or deleting the target's path later leaves the link's bytes as they were.
   */
  readonly links: Map<FileEntry, FileEntry>;
}

export function emptyContentStore(): ContentStore {
  return { captured: new Map(), skipped: new Map(), links: new Map() };
}

/**
 * Resolves symlinks in every component of `path` the way the kernel would inside a chroot (and
 * runtimes do with securejoin when they unpack): absolute targets restart at the image root, `..`
 * never climbs above it, a missing component is taken as it is, and more than `maxSymlinkHops`
 * links (a loop) gives undefined.
 */
export function resolveSymlinks(byPath: ReadonlyMap<string, FileEntry>, path: string): string | undefined {
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
    const entry = byPath.get(`/${resolved.join('/')}`);
    if (entry?.type !== 'symlink' || entry.linkTarget === undefined) continue;
    hops++;
    if (hops > maxSymlinkHops) return undefined;
    resolved.pop();
    const target = entry.linkTarget;
    if (target.startsWith('/')) resolved = [];
    const targetParts = target.split('/');
    for (let i = targetParts.length - 1; i >= 0; i--) pending.push(targetParts[i] as string);
  }
  return `/${resolved.join('/')}`;
}

/** A read-only view over a set of entries keyed by absolute path. */
export class FileTree implements FileTreeView {
  readonly #byPath: ReadonlyMap<string, FileEntry>;
  readonly #content: ContentStore;
  #sorted: FileEntry[] | undefined;

  constructor(byPath: ReadonlyMap<string, FileEntry>, content: ContentStore) {
    this.#byPath = byPath;
    this.#content = content;
  }

  get size(): number {
    return this.#byPath.size;
  }

  get(path: string, options?: { followSymlinks?: boolean }): FileEntry | undefined {
    const { path: normal } = normalizeImagePath(path);
    if (!options?.followSymlinks) return this.#byPath.get(normal);
    const resolved = this.resolve(normal);
    return resolved === undefined ? undefined : this.#byPath.get(resolved);
  }

  /**
   * Resolves symlinks in every component of `path` the way the kernel would inside a chroot:
   * absolute targets restart at the image root, `..` never climbs above it, and more than
   * `maxSymlinkHops` links (a loop) gives undefined.
   */
  resolve(path: string): string | undefined {
    return resolveSymlinks(this.#byPath, path);
  }

  glob(pattern: string): readonly FileEntry[] {
    const matches = compileGlob(pattern);
    return this.#sortedEntries().filter((entry) => matches(entry.path));
  }

  entries(): Iterable<FileEntry> {
    return this.#sortedEntries();
  }

  hasContent(entry: FileEntry): boolean {
    const source = this.#contentSource(entry);
    return source !== undefined && this.#content.captured.has(source);
  }

  async read(entry: FileEntry): Promise<Uint8Array> {
    const source = this.#contentSource(entry);
    if (source === undefined) {
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

  /** The regular-file entry whose bytes `entry` stands for: itself, a hardlink's or a symlink's target. */
  #contentSource(entry: FileEntry): FileEntry | undefined {
    if (entry.type === 'file') return entry;
    if (entry.type === 'hardlink' && entry.linkTarget !== undefined) {
      const linked = this.#content.links.get(entry);
      if (linked !== undefined) return linked;
      const target = this.#byPath.get(entry.linkTarget);
      return target?.type === 'file' ? target : undefined;
    }
    if (entry.type === 'symlink') {
      const target = this.get(entry.path, { followSymlinks: true });
      return target?.type === 'file' ? target : undefined;
    }
    return undefined;
  }

  #sortedEntries(): FileEntry[] {
    if (this.#sorted === undefined) {
      this.#sorted = [...this.#byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    return this.#sorted;
  }
}

/**
 * A view from ready-made entries, for tests and for the `dir:` source. Paths are normalised;
 * a later item for the same path replaces an earlier one.
 */
export function buildFileTree(items: Iterable<{ entry: FileEntry; content?: Uint8Array }>): FileTreeView {
  const byPath = new Map<string, FileEntry>();
  const content = emptyContentStore();
  for (const item of items) {
    const { path } = normalizeImagePath(item.entry.path);
    const entry = path === item.entry.path ? item.entry : { ...item.entry, path };
    const previous = byPath.get(path);
    if (previous !== undefined) content.captured.delete(previous);
    byPath.set(path, entry);
    if (item.content !== undefined) content.captured.set(entry, item.content);
  }
  return new FileTree(byPath, content);
}
