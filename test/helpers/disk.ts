import type { FileType } from '../../src/oci/index.ts';

/** What lstat says a path on disk is (Stats or BigIntStats), as sgci's FileEntry names it. */
export function fileTypeOf(stat: {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isFIFO(): boolean;
}): FileType {
  if (stat.isDirectory()) return 'dir';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isCharacterDevice()) return 'char';
  if (stat.isBlockDevice()) return 'block';
  if (stat.isFIFO()) return 'fifo';
  return 'file';
}
