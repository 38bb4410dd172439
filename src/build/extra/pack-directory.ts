import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { describe, parseUntrustedJson, SgciError } from '../../core/index.ts';
import { compileGlob } from '../../oci/fs/index.ts';
import type { ExtraFileConfig } from '../config.ts';
import { layerTar } from '../image/layer-tar.ts';
import { buildOwner, type TreeNode } from '../image/tree.ts';

const run = promisify(execFile);

/** The same bound as an unpacked extra archive: sgci with its production dependencies is about 130 MB. */
const maxDirectoryBytes = 1024 * 1024 * 1024;
const maxDirectoryFiles = 200_000;

/** What the packing reads of package-lock.json (lockfileVersion 2 or 3): each installed package and its flags. */
const PackageLock = z.object({
  packages: z.record(
    z.string(),
    z.object({ dev: z.boolean().optional(), optional: z.boolean().optional(), link: z.boolean().optional() }),
  ),
});

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `git ls-files` of `dir`: every tracked path below it, relative, in git's order (re-sorted by the caller). */
async function trackedFiles(dir: string): Promise<string[]> {
  try {
    const { stdout } = await run('git', ['-C', dir, 'ls-files', '-z', '--cached'], { maxBuffer: 64 * 1024 * 1024 });
    return stdout.split('\0').filter((p) => p !== '');
  } catch (error) {
    throw new SgciError('CONFIG_INVALID', dir, `tracked: true needs git and a repository here: ${describe(error)}`, {
      cause: error,
    });
  }
}

/** Every file and symlink below `dir/prefix` (relative to `dir`), not descending into the `skip` paths. */
async function walk(dir: string, prefix: string, skip: ReadonlySet<string>, out: string[]): Promise<void> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => byCodeUnit(a.name, b.name))) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!skip.has(relative)) await walk(dir, relative, skip, out);
    } else if (entry.isFile() || entry.isSymbolicLink()) out.push(relative);
    if (out.length > maxDirectoryFiles)
      throw new SgciError('LIMIT_EXCEEDED', dir, `more than ${maxDirectoryFiles} files to pack`);
  }
}

/**
 * The production packages package-lock.json names (not `dev`), each package directory's own files as `npm ci`
 * installed them (a nested node_modules is a package of its own in the lock). An optional package that is not
 * installed (another platform's) is left out; a linked package is refused, its files are not in the tree.
 */
async function productionModules(dir: string): Promise<string[]> {
  const lockFile = join(dir, 'package-lock.json');
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch (error) {
    throw new SgciError('CONFIG_INVALID', lockFile, `nodeModules: production needs it: ${describe(error)}`, {
      cause: error,
    });
  }
  const parsed = PackageLock.safeParse(parseUntrustedJson(text, lockFile, 'CONFIG_INVALID', 'package-lock.json'));
  if (!parsed.success) throw new SgciError('CONFIG_INVALID', lockFile, 'not a package-lock.json of version 2 or 3');
  const out: string[] = [];
  const names = Object.keys(parsed.data.packages).filter((k) => k.startsWith('node_modules/'));
  for (const name of names.sort(byCodeUnit)) {
    const entry = parsed.data.packages[name];
    if (!entry || entry.dev) continue;
    if (entry.link) throw new SgciError('CONFIG_INVALID', lockFile, `${name} is a link: its files are elsewhere`);
    const installed = await lstat(join(dir, name)).catch(() => undefined);
    if (!installed?.isDirectory()) {
      if (entry.optional) continue;
      throw new SgciError('CONFIG_INVALID', join(dir, name), 'not installed (npm ci)');
    }
    await walk(dir, name, new Set([`${name}/node_modules`]), out);
  }
  return out;
}

/**
 * A directory as one deterministic tar (`files[].directory`): the files git tracks (or, with `tracked: false`, every
 * file but .git and node_modules) matching `include` and not `exclude`, plus with `nodeModules: production` the
 * installed production packages whole (a package's tests are its own business);
 * then sorted, mtime 0, owner 0:0, modes 0755/0644 by the execute bit (none for `noExecute`), no directory entries.
 * The same checkout and `npm ci` give the same bytes on any machine, so the digest needs no pin in the build file:
 * the lock's provenance records it.
 */
export async function packDirectory(dir: string, extra: ExtraFileConfig): Promise<Buffer> {
  const included = extra.include?.map(compileGlob);
  const excluded = extra.exclude.map(compileGlob);
  const noExecute = extra.noExecute.map(compileGlob);
  let own: string[];
  try {
    if (extra.tracked) own = await trackedFiles(dir);
    else {
      own = [];
      await walk(dir, '', new Set(['.git', 'node_modules']), own);
    }
  } catch (error) {
    if (error instanceof SgciError) throw error;
    throw new SgciError('IO_ERROR', dir, `cannot list the directory: ${describe(error)}`, { cause: error });
  }
  const selected = (p: string) =>
    (included === undefined || included.some((m) => m(`/${p}`))) && !excluded.some((m) => m(`/${p}`));
  const paths = new Set(own.filter(selected));
  if (extra.nodeModules === 'production') for (const p of await productionModules(dir)) paths.add(p);
  const nodes: TreeNode[] = [];
  let total = 0;
  for (const relative of [...paths].sort(byCodeUnit)) {
    const path = `/${relative}`;
    const full = join(dir, relative);
    const base = { path, uid: 0, gid: 0, mtime: 0, owners: [buildOwner] };
    try {
      const stat = await lstat(full);
      if (stat.isSymbolicLink())
        nodes.push({ ...base, type: 'symlink', mode: 0o777, linkTarget: await readlink(full) });
      else if (stat.isFile()) {
        total += stat.size;
        if (total > maxDirectoryBytes)
          throw new SgciError('LIMIT_EXCEEDED', dir, `more than ${maxDirectoryBytes} bytes to pack`);
        const executable = (stat.mode & 0o111) !== 0 && !noExecute.some((m) => m(path));
        nodes.push({ ...base, type: 'file', mode: executable ? 0o755 : 0o644, content: await readFile(full) });
      }
    } catch (error) {
      if (error instanceof SgciError) throw error;
      throw new SgciError('IO_ERROR', full, `cannot pack: ${describe(error)}`, { cause: error });
    }
  }
  if (nodes.length === 0) throw new SgciError('CONFIG_INVALID', dir, 'the directory gives no file to pack');
  return layerTar(nodes, 0);
}
