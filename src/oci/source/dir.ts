import type { Dirent, Stats } from 'node:fs';
import { lstat, open, opendir, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, type Limits, readFileChunks, SgciError, type Unknown } from '../../core/index.ts';
import { buildFileTree, compileGlob } from '../fs/index.ts';
import { AssembledImage, type ImageContent } from '../image/index.ts';
import type {
  FileEntry,
  FileNeeds,
  FileSink,
  FileSinkWriter,
  FileType,
  ImageFilesystem,
  ImageSourceDescription,
} from '../types.ts';
import type { SourceOptions } from './options.ts';

function fileType(stats: Stats): FileType | undefined {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isCharacterDevice()) return 'char';
  if (stats.isBlockDevice()) return 'block';
  if (stats.isFIFO()) return 'fifo';
  return undefined; // sockets: a tar cannot carry them either
}

/** Reads at most `max` bytes of a regular file, and whether there was more. */
async function readHead(path: string, max: number): Promise<{ content: Uint8Array; truncated: boolean }> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { content: buffer.subarray(0, Math.min(length, max)), truncated: length > max };
  } finally {
    await handle.close();
  }
}

/**
 * Walks a root filesystem directory with lstat (never following a symlink, so a link to `/etc` reads
 * as a link, not as the host's /etc) into the same view the layer pass builds. Everything is layer 0.
 * Content is read only for what `needs` declares, bounded like captured layer content.
 */
export async function readDirectoryFilesystem(
  root: string,
  input: string,
  needs: FileNeeds,
  limits: Limits,
  signal?: AbortSignal,
): Promise<ImageFilesystem> {
  const wantedPaths = new Set(needs.paths ?? []);
  const globs = (needs.globs ?? []).map((glob) => compileGlob(glob));
  const isNeeded = (path: string) => wantedPaths.has(path) || globs.some((matches) => matches(path));
  const visitors = needs.visitors ?? [];
  const sinks = needs.sinks ?? [];
  const items: { entry: FileEntry; content?: Uint8Array }[] = [];
  const warnings: Unknown[] = [];
  const inodes = new Map<string, string>();
  let captured = 0;
  const pending: string[] = [''];
  while (pending.length > 0) {
    signal?.throwIfAborted();
    const relative = pending.pop()!;
    const absolute = join(root, relative);
    let children: Dirent[] = [];
    try {
      const handle = await opendir(absolute);
      for await (const child of handle) children.push(child);
    } catch (error) {
      warnings.push({ path: relative || '/', layer: 0, reason: `cannot list directory: ${describe(error)}` });
      children = [];
    }
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const path = `${relative}/${child.name}`;
      if (items.length >= limits.maxEntries) {
        throw new SgciError('LIMIT_EXCEEDED', input, `more than ${limits.maxEntries} files`);
      }
      if (path.length > limits.maxPathLength) {
        warnings.push({ path: path.slice(0, 200), layer: 0, reason: `path longer than ${limits.maxPathLength}` });
        continue;
      }
      const full = join(root, path);
      let stats: Stats;
      try {
        stats = await lstat(full);
      } catch (error) {
        warnings.push({ path, layer: 0, reason: `cannot stat: ${describe(error)}` });
        continue;
      }
      let type = fileType(stats);
      if (type === undefined) {
        warnings.push({ path, layer: 0, reason: 'socket skipped' });
        continue;
      }
      let linkTarget: string | undefined;
      if (type === 'symlink') linkTarget = await readlink(full).catch(() => '');
      if (type === 'file' && stats.nlink > 1) {
        // The second name of an inode is a hardlink, as tar would record it.
        const key = `${stats.dev}:${stats.ino}`;
        const first = inodes.get(key);
        if (first === undefined) inodes.set(key, path);
        else {
          type = 'hardlink';
          linkTarget = first;
        }
      }
      const entry: FileEntry = {
        path,
        type,
        mode: stats.mode & 0o7777,
        uid: stats.uid,
        gid: stats.gid,
        size: type === 'file' ? stats.size : 0,
        ...(linkTarget !== undefined ? { linkTarget } : {}),
        mtime: Math.floor(stats.mtimeMs / 1000),
        layer: 0,
      };
      let content: Uint8Array | undefined;
      if (type === 'file') {
        const wants = visitors.map((visitor) => visitor.wants(entry));
        const keep = isNeeded(path);
        const visitorMax = Math.max(0, ...wants.map((n) => n ?? 0));
        const max = Math.min(Math.max(keep ? stats.size : 0, visitorMax), limits.maxCapturedFileBytes);
        if (keep || wants.some((n) => n !== undefined)) {
          try {
            const head = await readHead(full, max);
            for (const [i, visitor] of visitors.entries()) {
              const n = wants[i];
              if (n === undefined) continue;
              await visitor.visit(entry, head.content.subarray(0, n), head.truncated || head.content.length > n);
            }
            if (keep) {
              if (head.truncated || captured + head.content.length > limits.maxCapturedTotalBytes) {
                warnings.push({ path, layer: 0, reason: 'content over the capture limit not kept' });
              } else {
                content = head.content;
                captured += head.content.length;
              }
            }
          } catch (error) {
            warnings.push({ path, layer: 0, reason: `cannot read: ${describe(error)}` });
          }
        }
        await streamToSinks(full, entry, sinks, warnings);
      }
      items.push(content !== undefined ? { entry, content } : { entry });
      if (type === 'dir') pending.push(path);
    }
  }
  const tree = buildFileTree(items);
  return {
    squashed: tree,
    layer(index: number) {
      if (index !== 0) throw new SgciError('USAGE', input, `a dir: source has only layer 0, not ${index}`);
      return tree;
    },
    hidden: [],
    deleted: [],
    warnings,
  };
}

/** Streams a file to the sinks that open it; a sink or read failure is a warning, as in the layer pass. */
async function streamToSinks(full: string, entry: FileEntry, sinks: readonly FileSink[], warnings: Unknown[]) {
  const writers: FileSinkWriter[] = [];
  try {
    for (const sink of sinks) {
      const writer = sink.open(entry);
      if (writer !== undefined) writers.push(writer);
    }
    if (writers.length === 0) return;
    for await (const chunk of readFileChunks(full)) for (const writer of writers) writer.write(chunk);
    for (const writer of writers) writer.end();
  } catch (error) {
    warnings.push({ path: entry.path, layer: 0, reason: `cannot stream to sinks: ${describe(error)}` });
  }
}

/** A `dir:` root filesystem as an Image without manifest, digest or layers. */
export async function openDirectory(
  path: string,
  source: ImageSourceDescription,
  options: SourceOptions,
): Promise<AssembledImage> {
  const root = resolve(path);
  let stats: Stats;
  try {
    stats = await lstat(root);
  } catch (error) {
    throw new SgciError('SOURCE_NOT_FOUND', source.input, `cannot read directory: ${describe(error)}`, {
      cause: error,
    });
  }
  if (!stats.isDirectory()) throw new SgciError('SOURCE_NOT_FOUND', source.input, 'is not a directory');
  const content: ImageContent = {
    async manifest() {
      throw new SgciError('MANIFEST_INVALID', source.input, 'a dir: source has no manifest');
    },
    async blobBytes() {
      throw new SgciError('MANIFEST_INVALID', source.input, 'a dir: source has no blobs');
    },
    async openBlob() {
      throw new SgciError('MANIFEST_INVALID', source.input, 'a dir: source has no blobs');
    },
    async [Symbol.asyncDispose]() {},
  };
  const platform = options.platform;
  return new AssembledImage({
    source,
    content,
    digest: undefined,
    mediaType: '',
    platform,
    manifest: undefined,
    manifestBytes: undefined,
    config: {
      os: platform.os,
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      rootfs: { type: 'layers', diff_ids: [] },
    },
    configDescriptor: undefined,
    layers: [],
    limits: options.limits,
    filesystem: (needs) => readDirectoryFilesystem(root, source.input, needs, options.limits, options.signal),
  });
}
