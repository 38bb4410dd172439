import type { FileEntry, FileTreeView } from '../../oci/index.ts';

/** Directories on a default PATH, merged-/usr or not. */
export const binDirs = [
  '/bin',
  '/sbin',
  '/usr/bin',
  '/usr/sbin',
  '/usr/local/bin',
  '/usr/local/sbin',
  '/usr/libexec',
  '/usr/lib/openssh',
] as const;

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Files in the squashed view named one of `names` in a PATH directory: regular files, hard links, and symlinks
 * that resolve to a file (a dangling link is not a tool). Sorted by path.
 */
export function findBinaries(fs: FileTreeView, names: ReadonlySet<string>): FileEntry[] {
  const found: FileEntry[] = [];
  for (const entry of fs.entries()) {
    if (!names.has(basename(entry.path))) continue;
    if (!(binDirs as readonly string[]).includes(dirname(entry.path))) continue;
    if (entry.type === 'file' || entry.type === 'hardlink') found.push(entry);
    else if (entry.type === 'symlink') {
      const target = fs.get(entry.path, { followSymlinks: true });
      if (target && (target.type === 'file' || target.type === 'hardlink')) found.push(entry);
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
