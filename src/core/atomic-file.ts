import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, SgciError } from './errors.ts';

/** A temp file name beside `path`, so the final rename stays on one filesystem and is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** As the kernel's limit on symlinks followed in one lookup (ELOOP). */
const maxSymlinkHops = 40;

/**
 * Writes `data` to `path` via temp file + rename: readers see the old file or the new one, never half.
 * A symlink at `path` is followed, so the link stays and its target gets the content (as the shell's `>` does).
 * Every failure, a directory that cannot be made included, is an `IO_ERROR` naming `path` and the reason.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const target = await followSymlinks(path);
  await makeDirectory(dirname(target), path);
  const temp = tempPathFor(target);
  try {
    await writeFile(temp, data, { mode });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    const reason = (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a directory' : describe(error);
    throw new SgciError('IO_ERROR', path, `cannot write the file: ${reason}`, { cause: error });
  }
}

/** Where a write to `path` lands: `path`, or the end of the symlink chain starting there (which may not exist yet). */
async function followSymlinks(path: string): Promise<string> {
  let current = resolve(path);
  for (let hop = 0; hop < maxSymlinkHops; hop++) {
    let link: string;
    try {
      if (!(await lstat(current)).isSymbolicLink()) return current;
      link = await readlink(current);
    } catch (error) {
      // Not there yet, or a part of the way is not a directory: `makeDirectory` says which.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return current;
      throw new SgciError('IO_ERROR', path, `cannot write the file: ${describe(error)}`, { cause: error });
    }
    current = resolve(dirname(current), link);
  }
  throw new SgciError('IO_ERROR', path, `cannot write the file: more than ${maxSymlinkHops} symlinks in a chain`);
}

/** `mkdir -p`, with the reason in words when a part of the path is in the way. */
async function makeDirectory(directory: string, input: string): Promise<void> {
  try {
    await makeParents(directory);
  } catch (error) {
    throw new SgciError(
      'IO_ERROR',
      input,
      `cannot create the directory ${directory}: ${await obstacle(directory, error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Each missing directory once, from the top. Node's `mkdir(…, { recursive: true })` retries for ever where the
 * kernel answers ENOENT to a directory whose parent exists (procfs).
 */
async function makeParents(directory: string): Promise<void> {
  try {
    await mkdirOrFind(directory);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(directory) === directory) throw error;
  }
  await makeParents(dirname(directory));
  await mkdirOrFind(directory);
}

/** `mkdir`, content with a directory that is already there: another writer may make the same one at once. */
async function mkdirOrFind(directory: string): Promise<void> {
  try {
    await mkdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(directory)).isDirectory()) return;
    throw error;
  }
}

/** Why `mkdir -p directory` failed: the nearest part of the path that exists and is not a usable directory. */
async function obstacle(directory: string, error: unknown): Promise<string> {
  for (let part = directory; ; part = dirname(part)) {
    const link = await lstat(part).catch(() => undefined);
    if (link?.isSymbolicLink()) {
      const target = await readlink(part);
      const resolved = await stat(part).catch(() => undefined);
      if (!resolved) return `${part} is a symlink to ${target}, which does not exist`;
      if (!resolved.isDirectory()) return `${part} is a symlink to ${target}, which is not a directory`;
    } else if (link && !link.isDirectory()) {
      return `${part} is not a directory`;
    }
    if (link || dirname(part) === part) return describe(error);
  }
}
