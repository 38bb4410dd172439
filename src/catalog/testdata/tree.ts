/**
 * Test-only FileTreeView over real files: a directory on disk mapped to an image root, or explicit
 * entries. Lets cataloger tests run on corpus fixtures without building an image.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildFileTree } from '../../oci/fs/index.ts';
import type { FileEntry, FileTreeView } from '../../oci/index.ts';

export interface TreeItem {
  readonly entry: FileEntry;
  readonly content?: Uint8Array;
}

/** The tree view the filesystem pass would give for these items (H2's buildFileTree). */
export function memoryTree(items: Iterable<TreeItem>): FileTreeView {
  return buildFileTree(items);
}

/** Maps every file under `dir` to `/<relative path>`, all in `layer`. */
export function dirItems(dir: string, layer = 0, prefix = ''): TreeItem[] {
  const items: TreeItem[] = [];
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const p = join(abs, name);
      const path = `${rel}/${name}`;
      const st = lstatSync(p);
      const base = { path, mode: st.mode & 0o7777, uid: 0, gid: 0, layer };
      if (st.isDirectory()) {
        items.push({ entry: { ...base, type: 'dir', size: 0 } });
        walk(p, path);
      } else if (st.isSymbolicLink()) {
        items.push({ entry: { ...base, type: 'symlink', size: 0, linkTarget: readlinkSync(p) } });
      } else if (st.isFile()) {
        items.push({ entry: { ...base, type: 'file', size: st.size }, content: readFileSync(p) });
      }
    }
  };
  walk(dir, prefix);
  return items;
}

export function fileItem(path: string, content: Uint8Array | string, layer = 0, mode = 0o644): TreeItem {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { entry: { path, type: 'file', mode, uid: 0, gid: 0, size: bytes.length, layer }, content: bytes };
}
