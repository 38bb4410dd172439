import { hash } from 'node:crypto';
import { SgciError } from '../../core/index.ts';
import { compileGlob } from '../../oci/fs/index.ts';
import type { Deb } from '../deb/read-deb.ts';
import { type ImageTree, mergedUsrPath, packagePath, type TreeNode } from './tree.ts';

/** Which of a package's paths to keep: include globs (all when absent) minus exclude globs; copyright always. */
export interface PathFilter {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

/** What installing one package did, for its dpkg database entry and the build report. */
export interface InstalledPackage {
  readonly name: string;
  /** `md5  path` lines of the kept regular files (what dpkg's .md5sums hold), paths as they lie in the image. */
  readonly md5sums: readonly string[];
  readonly kept: number;
  readonly excluded: readonly string[];
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
  readonly setuid: readonly { readonly path: string; readonly mode: number }[];
  readonly scripts: readonly string[];
}

const copyright = /^\/usr\/share\/doc\/[^/]+\/copyright$/;

function pathFilter(filter: PathFilter | undefined): (paths: readonly string[]) => boolean {
  const include = filter?.include?.map(compileGlob);
  const exclude = filter?.exclude?.map(compileGlob) ?? [];
  return (paths) => {
    if (paths.some((p) => copyright.test(p))) return true;
    if (exclude.some((match) => paths.some(match))) return false;
    return include === undefined || include.some((match) => paths.some(match));
  };
}

/** One-shot: no Hash object per file (an image has thousands of small ones). */
function md5(content: Uint8Array): string {
  return hash('md5', content, 'hex');
}

/** The package's own md5sums as path → digest, to check the data against before it is kept. */
function declaredSums(text: string | undefined): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text?.split('\n') ?? []) {
    const match = /^([0-9a-f]{32}) [ *]?(.+)$/.exec(line);
    if (match?.[1] && match[2]) sums.set(match[2].replace(/^\.?\//, ''), match[1]);
  }
  return sums;
}

/**
 * Unpacks one package's data into the tree as dpkg would, without running anything: paths checked and (merged
 * /usr) folded, filters applied, device nodes and FIFOs skipped (a container runtime provides /dev), hardlinks kept
 * within the package, setuid/setgid recorded. Each file's md5 is checked against the package's md5sums.
 */
export function installPackage(
  tree: ImageTree,
  name: string,
  deb: Deb,
  options: { readonly mergedUsr: boolean; readonly filter?: PathFilter; readonly input: string },
): InstalledPackage {
  const keep = pathFilter(options.filter);
  const declared = declaredSums(deb.control.md5sums);
  const md5sums: string[] = [];
  const excluded: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const setuid: { path: string; mode: number }[] = [];
  /** Kept and filtered-out files of this package by image path, for hardlinks. */
  const files = new Map<string, { node: TreeNode; original: string; kept: boolean }>();
  const dirs: TreeNode[] = [];
  let kept = 0;
  const at = (path: string) => (options.mergedUsr ? mergedUsrPath(path) : path);
  for (const { header, content } of deb.entries) {
    const original = packagePath(header.path, options.input);
    if (original === '/') continue;
    const path = at(original);
    const base = { path, mode: header.mode & 0o7777, uid: header.uid, gid: header.gid, mtime: header.mtime };
    const node: TreeNode | undefined =
      header.type === 'dir'
        ? { ...base, type: 'dir', owners: [name] }
        : header.type === 'file'
          ? { ...base, type: 'file', content: content ?? Buffer.alloc(0), owners: [name] }
          : header.type === 'symlink'
            ? { ...base, type: 'symlink', linkTarget: header.linkpath, owners: [name] }
            : header.type === 'hardlink'
              ? hardlink(base, header.linkpath, files, at, name, options.input)
              : undefined;
    if (node === undefined) {
      skipped.push({ path, reason: `${header.type} entries are not part of an image (the runtime provides /dev)` });
      continue;
    }
    if (node.type === 'dir') {
      dirs.push(node);
      continue;
    }
    const wanted = keep([original, path]);
    if (node.type === 'file' || node.type === 'hardlink')
      files.set(path, { node: node.type === 'file' ? node : resolved(node, files), original, kept: wanted });
    if (!wanted) {
      excluded.push(path);
      continue;
    }
    const stored = node.type === 'hardlink' && !files.get(node.linkTarget ?? '')?.kept ? resolved(node, files) : node;
    if (stored.type === 'file' || stored.type === 'hardlink') {
      const bytes = stored.content ?? resolved(stored, files).content ?? Buffer.alloc(0);
      const sum = md5(bytes);
      const relative = original.slice(1);
      const expected = declared.get(relative);
      if (expected !== undefined && expected !== sum)
        throw new SgciError(
          'DIGEST_MISMATCH',
          options.input,
          `${original}: md5 ${sum} differs from md5sums ${expected}`,
        );
      // the path where the file lies in the image (below /usr when merged), so no scanner has to follow /lib
      md5sums.push(`${sum}  ${path.slice(1)}`);
    }
    if ((stored.mode & 0o6000) !== 0) setuid.push({ path, mode: stored.mode });
    tree.add(stored, options.input);
    kept++;
  }
  // A directory stays when it is wanted itself or holds something kept: filters never leave empty skeletons,
  // and never drop the parent of a kept path.
  for (const dir of dirs) {
    if (keep([dir.path]) || tree.hasBelow(dir.path)) tree.add(dir, options.input);
    else excluded.push(dir.path);
  }
  return {
    name,
    md5sums: md5sums.sort(),
    kept,
    excluded: excluded.sort(),
    skipped,
    setuid,
    scripts: deb.control.scripts,
  };
}

function hardlink(
  base: Omit<TreeNode, 'type' | 'owners'>,
  rawTarget: string,
  files: ReadonlyMap<string, { node: TreeNode }>,
  at: (path: string) => string,
  name: string,
  input: string,
): TreeNode {
  const target = at(packagePath(rawTarget, input));
  if (!files.has(target))
    throw new SgciError('ARCHIVE_INVALID', input, `hardlink ${base.path} points to ${target}, not a file before it`);
  return { ...base, type: 'hardlink', linkTarget: target, owners: [name] };
}

/** A hardlink whose target was filtered out becomes a copy of the file: the bytes stay, the link cannot. */
function resolved(node: TreeNode, files: ReadonlyMap<string, { node: TreeNode }>): TreeNode {
  if (node.type !== 'hardlink') return node;
  const target = files.get(node.linkTarget ?? '')?.node;
  return { ...node, type: 'file', content: target?.content ?? Buffer.alloc(0), linkTarget: undefined };
}
