import type { FileEntry, FileTreeView, FileVisitor } from '../../oci/index.ts';

export type ExecutableKind = 'elf' | 'script' | 'archive';

export interface ExecutableVisitor {
  readonly visitor: FileVisitor;
  /** Executables still present in `tree` (a later layer may have replaced or deleted them), sorted. */
  executables(tree: FileTreeView): { path: string; layer: number; kind: ExecutableKind }[];
}

const sharedObject = /\.so(?:\.[0-9.]+)?$/;
const javaArchive = /\.(?:jar|war|ear)$/;

/** Whether a file is worth a look: executable bits, a shared object or a Java archive by name. */
export function isExecutableCandidate(entry: FileEntry): boolean {
  if (entry.type !== 'file' || entry.size < 4) return false;
  return (entry.mode & 0o111) !== 0 || sharedObject.test(entry.path) || javaArchive.test(entry.path);
}

/** What the first bytes say the file is: ELF, a `#!` script, a zip-based Java archive, or none. */
export function executableKind(path: string, head: Uint8Array): ExecutableKind | undefined {
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return 'elf';
  if (head[0] === 0x23 && head[1] === 0x21) return 'script';
  if (javaArchive.test(path) && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return 'archive';
  }
  return undefined;
}

/**
 * Sees the first four bytes of every candidate during the single pass (nothing is kept but the
 * path, layer and kind), so "executables no package owns" costs no second read of the layers.
 */
export function createExecutableVisitor(): ExecutableVisitor {
  const seen = new Map<string, { path: string; layer: number; kind: ExecutableKind }>();
  const visitor: FileVisitor = {
    name: 'executables',
    wants: (entry) => (isExecutableCandidate(entry) ? 4 : undefined),
    visit: (entry, content) => {
      const kind = executableKind(entry.path, content);
      if (kind) seen.set(`${entry.layer}\0${entry.path}`, { path: entry.path, layer: entry.layer, kind });
    },
  };
  return {
    visitor,
    executables(tree) {
      const out: { path: string; layer: number; kind: ExecutableKind }[] = [];
      for (const e of seen.values()) {
        const current = tree.get(e.path);
        if (current?.type === 'file' && current.layer === e.layer) out.push(e);
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}
