import { describe, type Limits, SgciError, type Unknown } from '../../core/index.ts';
import {
  type ImageBudget,
  InflatePool,
  type LayerBytes,
  type LayerHandler,
  layerJobs,
  minWorkerLayerBytes,
  openLayerBytes,
  readLayer,
  type TarHeader,
} from '../layer/index.ts';
import type {
  FileEntry,
  FileNeeds,
  FileSink,
  FileSinkWriter,
  FileTreeView,
  FileVisitor,
  ImageFilesystem,
  Layer,
} from '../types.ts';
import { EntryTable } from './entry-table.ts';
import { compileNeeds } from './needs.ts';
import { PathIndex } from './path-index.ts';
import { normalizeImagePath, parentPath } from './paths.ts';
import { MapRows, NodeRows, RowList } from './row-index.ts';
import { type ContentStore, emptyContentStore, FileTree, resolveSymlinks, symlinkTarget } from './tree.ts';

export interface ReadFilesystemOptions {
  readonly limits: Limits;
  readonly signal?: AbortSignal;
  /** Worker threads inflating layers ahead of the pass; 0 = none, all on this thread. Default: `layerJobs`. */
  readonly jobs?: number;
  /** Compressed size from which a layer is inflated on a worker; default `minWorkerLayerBytes` (1 MiB). */
  readonly minWorkerBytes?: number;
}

const whiteoutPrefix = '.wh.';
/** Largest visitor-only content read into the reused scratch buffer (see Squash.#scratch). */
const scratchBytes = 4 * 1024 * 1024;
const opaqueMarker = '.wh..wh..opq';

/**
 * One streaming pass over all layers, base first: builds the squashed tree (OCI whiteouts and
 * opaque directories applied), per-layer views, the hidden and deleted lists, and keeps the
 * content `needs` asks for. Visitors see every regular file of every layer as it streams by.
 *
 * Content beyond `maxCapturedFileBytes` per file or `maxCapturedTotalBytes` in all is not kept:
 * the pass goes on, a warning names the file, and `read` of it fails with LIMIT_EXCEEDED. One
 * oversized file should not stop a scan of everything else.
 */
export async function readFilesystem(
  layers: readonly Layer[],
  needs: FileNeeds,
  options: ReadFilesystemOptions,
): Promise<ImageFilesystem> {
  const squash = new Squash(needs, options.limits);
  const budget: ImageBudget = { uncompressedBytes: 0, entries: 0 };
  const minWorkerBytes = options.minWorkerBytes ?? minWorkerLayerBytes;
  const large = layers.filter((layer) => layer.size >= minWorkerBytes).length;
  const withSinks = (needs.sinks ?? []).length > 0;
  const jobs = Math.min(options.jobs ?? layerJobs(process.env, withSinks), large);
  const pool = jobs > 0 ? InflatePool.create(jobs) : undefined;
  // Without sinks (every byte of many files: the scan's digests) the pass's thread has time to spare,
  // and the worker only inflates: both run at once instead of the worker doing both in turn.
  const hashInPass = !withSinks;
  // A sink hashing on its own thread takes the blobs' digests and the diffIDs too: this thread hashes nothing.
  const streams = needs.sinks?.find((sink) => sink.streams !== undefined)?.streams;
  const opened: Promise<LayerBytes>[] = [];
  const openAhead = (upTo: number) => {
    for (let i = opened.length; i <= upTo && i < layers.length; i++) {
      const layer = layers[i] as Layer;
      const bytes = openLayerBytes(layer, {
        limits: options.limits,
        signal: options.signal,
        pool,
        minWorkerBytes,
        hashInPass,
        ...(streams ? { streams } : {}),
      });
      // Surfaces when the pass reaches this layer, in layer order, as it would without workers.
      bytes.catch(() => undefined);
      opened.push(bytes);
    }
  };
  // Digests and diffIDs hashed on a StreamHasher's worker are checked once it catches up: the pass does not wait.
  const verdicts: Promise<boolean>[] = [];
  try {
    for (const [position, layer] of layers.entries()) {
      if (pool !== undefined) openAhead(position + pool.size - 1);
      squash.startLayer(layer);
      const read = await readLayer(
        layer,
        squash,
        {
          limits: options.limits,
          budget,
          signal: options.signal,
          onWarning: (reason) => squash.warn('/', layer.index, reason),
          ...(streams ? { streams } : {}),
        },
        opened[position],
      );
      if (streams === undefined) await read.diffIdVerified;
      else verdicts.push(read.diffIdVerified);
    }
    for (const verdict of verdicts) await verdict;
  } catch (error) {
    // An earlier layer whose digest or diffID does not match failed first: its verdict is the one to give.
    for (const verdict of verdicts) await verdict;
    throw error;
  } finally {
    if (pool !== undefined) {
      // Layers opened ahead of a failure stop reading their blobs.
      await Promise.all(
        opened.map((bytes) =>
          bytes.then(
            (b) => b.stop(),
            () => undefined,
          ),
        ),
      );
      await pool.close();
    }
  }
  return squash.finish();
}

/** A regular file whose bytes are being collected for `read` and/or visitors, and streamed to sinks. */
interface Capture {
  readonly row: number;
  readonly node: number;
  readonly entry: FileEntry;
  readonly buffer: Buffer;
  fill: number;
  readonly keep: boolean;
  readonly visitors: readonly VisitorBytes[];
  readonly writers: SinkWriter[];
}

/** A visitor and how many leading bytes of the file it asked for. */
interface VisitorBytes {
  readonly visitor: FileVisitor;
  readonly bytes: number;
}

/** A sink's writer for the file being read. */
interface SinkWriter {
  readonly sink: FileSink;
  readonly writer: FileSinkWriter;
}

const noVisitors: readonly VisitorBytes[] = [];

class Squash implements LayerHandler {
  readonly #limits: Limits;
  readonly #declared: (path: string) => boolean;
  /**
   * Targets of declared symlinks (`/etc/os-release` -> `/usr/lib/os-release`), kept as if
   * declared themselves. Works when the target streams by after the link, as in sorted tars.
   */
  readonly #linkTargets = new Set<string>();
  /** Paths declared one by one: only for these is an uncapturable symlink target worth a warning. */
  readonly #exactPaths: ReadonlySet<string>;
  readonly #visitors: readonly FileVisitor[];
  readonly #sinks: readonly FileSink[];
  /**
   * Every entry of every layer as columns, over one index of paths whose nodes know their parent and
   * children (so whiteouts remove subtrees in O(subtree)); `#squashed` says which row each path holds now.
   * `FileEntry` objects are made only for visitors, sinks and the views' callers (docs/filesystem.md).
   */
  readonly #table = new EntryTable(new PathIndex());
  readonly #squashed = new NodeRows(this.#table.paths);
  /**
   * Each layer's rows, as a list: its view is built only when asked for (tests, tools), so a pass keeps
   * one index of paths per image rather than one per layer besides.
   */
  readonly #layers: RowList[] = [];
  readonly #hidden: number[] = [];
  readonly #deleted: { path: string; layer: number; opaque: boolean }[] = [];
  readonly #warnings: Unknown[] = [];
  readonly #content: ContentStore = emptyContentStore();
  /** Regular-file rows some hardlink shares: their content outlives their path. */
  readonly #linked = new Set<number>();
  #capturedTotal = 0;
  #layer = 0;
  /** Names the layer in errors: its digest. */
  #layerInput = '';
  /** Symlinks in the squashed tree: entries below one are written where it leads, as runtimes do. */
  readonly #symlinks = new Set<string>();
  /** Bumped whenever #symlinks changes, so the parent resolved last can be reused until then. */
  #symlinkEpoch = 0;
  #lastParent: { readonly parent: string; readonly resolved: string; readonly epoch: number } | undefined;
  /**
   * The entries of the layer being read, in tar order (a later duplicate takes an earlier one's place). A
   * duplicate is found through the squashed tree, which holds every entry of this layer still there, and
   * `#removedInLayer`, which holds the few that a later entry of the same layer took away: no second map of
   * every path of the layer.
   */
  #layerEntries = new RowList();
  /** Path node -> row. */
  #removedInLayer = new Map<number, number>();
  #capture: Capture | undefined;
  #settling: Promise<void>[] = [];
  /**
   * Reused for content only visitors see (not kept for `read`): a fresh buffer per file made the pass
   * allocate tens of megabytes for the collector to chase. Lent out for good when a visitor answers
   * asynchronously, since it may still be reading.
   */
  #scratch: Buffer | undefined;

  constructor(needs: FileNeeds, limits: Limits) {
    this.#limits = limits;
    this.#declared = compileNeeds(needs);
    this.#exactPaths = new Set((needs.paths ?? []).map((path) => normalizeImagePath(path).path));
    this.#visitors = needs.visitors ?? [];
    this.#sinks = needs.sinks ?? [];
  }

  startLayer(layer: Pick<Layer, 'index' | 'digest'>): void {
    this.#endLayer();
    this.#layer = layer.index;
    this.#layerInput = layer.digest;
    this.#layerEntries = new RowList();
    this.#layers[layer.index] = this.#layerEntries;
  }

  #endLayer(): void {
    this.#removedInLayer = new Map();
  }

  warn(path: string, layer: number, reason: string): void {
    this.#warnings.push({ path, layer, reason });
  }

  onEntry(header: TarHeader): boolean {
    const layer = this.#layer;
    const normal = normalizeImagePath(header.path);
    if (normal.escaped)
      this.warn(
        normal.path,
        layer,
        `tar entry ${JSON.stringify(header.path)} is absolute or climbs with '..'; read as ${normal.path}`,
      );
    if (header.type === 'other') {
      throw this.#refuse(
        `tar entry ${JSON.stringify(header.path)} at byte ${header.offset} has type ${JSON.stringify(header.typeflag)}, which container runtimes refuse to unpack`,
      );
    }
    if (normal.path === '/' && header.type !== 'dir') {
      throw this.#refuse(
        `tar entry ${JSON.stringify(header.path)} at byte ${header.offset} would replace the root directory with a ${header.type}`,
      );
    }
    const path = this.#throughSymlinks(normal.path, header);
    if (path !== normal.path) {
      this.warn(
        path,
        layer,
        `tar entry ${JSON.stringify(header.path)} is written through a symlink; unpacked as ${path}`,
      );
    }
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (name.startsWith(whiteoutPrefix)) {
      this.#whiteout(path, name, slash, layer);
      return false;
    }
    this.#requireDirectoryAbove(path, header);

    let linkTarget: string | undefined;
    let metadata: Pick<FileEntry, 'mode' | 'uid' | 'gid' | 'size' | 'mtime' | 'xattrs'> = header;
    let inode: number | undefined;
    if (header.type === 'symlink') {
      linkTarget = header.linkpath;
    } else if (header.type === 'hardlink') {
      const written = normalizeImagePath(header.linkpath);
      linkTarget = this.#throughSymlinks(written.path, header);
      if (written.escaped) {
        this.warn(
          path,
          layer,
          `hardlink target ${JSON.stringify(header.linkpath)} is absolute or climbs with '..'; read as ${linkTarget}`,
        );
      }
      const target = this.#rowAt(linkTarget);
      const targetType = target < 0 ? undefined : this.#table.type(target);
      // A link to a link shares the same inode: the file both stand for.
      inode = targetType === 'hardlink' ? this.#content.links.get(target) : targetType === 'file' ? target : undefined;
      if (targetType === undefined || targetType === 'dir') {
        // link(2) fails on both, and so does every runtime's unpacking of the layer.
        throw this.#refuse(
          `hardlink ${JSON.stringify(header.path)} at byte ${header.offset} leads to ${linkTarget}, which is ${targetType === undefined ? 'not in the image' : 'a directory'}`,
        );
      }
      // One inode: the link has its target's owner, mode and times, whatever its own header says.
      metadata = this.#table.entry(target);
      if (inode === undefined) this.warn(path, layer, `hardlink to ${linkTarget}, which is a ${targetType}`);
      else if (this.#declared(path) && !this.#content.captured.has(inode) && !this.#content.skipped.has(inode)) {
        // The target's bytes streamed by before this link named them: they can only be kept
        // when the target's own path is declared too.
        this.warn(path, layer, `content not captured: hardlink to ${linkTarget}, which FileNeeds does not name`);
      }
    }
    const node = this.#table.paths.intern(path);
    const row = this.#table.add(node, {
      type: header.type,
      mode: metadata.mode & 0o7777,
      uid: metadata.uid,
      gid: metadata.gid,
      size: metadata.size,
      xattrs: metadata.xattrs,
      mtime: metadata.mtime,
      linkTarget,
      layer,
    });
    if (inode !== undefined) {
      this.#content.links.set(row, inode);
      this.#linked.add(inode);
    }
    this.#addToLayer(row, node);
    this.#place(row, node);
    if (header.type === 'symlink' && this.#declared(path)) this.#followDeclaredSymlink(row, path);
    if (header.type === 'file' && header.size > 0) return this.#startCapture(row, node);
    if (header.type === 'file') this.#visitEmpty(row);
    return false;
  }

  onData(data: Uint8Array): void {
    const capture = this.#capture as Capture;
    if (capture.writers.length > 0) this.#write(capture, data);
    const room = capture.buffer.length - capture.fill;
    if (room <= 0) return;
    const n = Math.min(room, data.length);
    capture.buffer.set(n === data.length ? data : data.subarray(0, n), capture.fill);
    capture.fill += n;
  }

  onEntryEnd(): void {
    const capture = this.#capture;
    if (capture === undefined) return;
    this.#capture = undefined;
    const { entry, buffer, fill, writers, visitors } = capture;
    // indexed loops and no closures in this and the other per-file and per-chunk steps: what they allocated
    // was a good part of the pass's garbage, collected on the pass's thread (issue 17)
    for (let i = 0; i < writers.length; i++) this.#endWriter(writers[i] as SinkWriter, entry);
    if (capture.keep && this.#squashed.rowAt(capture.node) === capture.row) {
      this.#content.captured.set(capture.row, buffer);
    } else if (capture.keep) {
      this.#capturedTotal -= buffer.length;
    }
    const pending = this.#settling.length;
    for (let i = 0; i < visitors.length; i++) {
      const { visitor, bytes } = visitors[i] as VisitorBytes;
      const length = Math.min(bytes, fill);
      this.#visit(visitor, entry, buffer.subarray(0, length), length < entry.size);
    }
    if (this.#settling.length !== pending && buffer.buffer === this.#scratch?.buffer) this.#scratch = undefined;
  }

  /** `bytes` of the scratch buffer, grown as needed up to `scratchBytes`; larger content gets its own. */
  #scratchOf(bytes: number): Buffer {
    if (bytes > scratchBytes) return Buffer.allocUnsafe(bytes);
    if (this.#scratch === undefined || this.#scratch.length < bytes) {
      this.#scratch = Buffer.allocUnsafe(
        Math.min(scratchBytes, Math.max(bytes, 2 * (this.#scratch?.length ?? 64 * 1024))),
      );
    }
    return this.#scratch.subarray(0, bytes);
  }

  settle(): Promise<void> | undefined {
    if (this.#settling.length === 0) return undefined;
    const pending = this.#settling;
    this.#settling = [];
    return Promise.all(pending).then(() => undefined);
  }

  finish(): ImageFilesystem {
    this.#endLayer();
    const content = this.#content;
    const table = this.#table;
    const squashed = new FileTree(table, this.#squashed, content);
    const layers = this.#layers;
    const layerViews: FileTreeView[] = [];
    const byPathThenLayer = (a: { path: string; layer: number }, b: { path: string; layer: number }) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : a.layer - b.layer;
    const hiddenRows = this.#hidden;
    let hidden: FileEntry[] | undefined;
    const deleted = this.#deleted.sort(byPathThenLayer);
    const warnings = this.#warnings;
    return {
      squashed,
      layer(index: number): FileTreeView {
        const rows = layers[index];
        if (rows === undefined) throw new SgciError('USAGE', `layer ${index}`, 'no such layer in this image');
        layerViews[index] ??= new FileTree(
          table,
          new MapRows(new Map(Array.from(rows, (row) => [table.node(row), row]))),
          content,
        );
        return layerViews[index];
      },
      // Made when first asked for: most runs never look, and those that do look once.
      get hidden(): readonly FileEntry[] {
        hidden ??= hiddenRows.map((row) => table.entry(row)).sort(byPathThenLayer);
        return hidden;
      },
      deleted,
      warnings,
    };
  }

  /** The row the squashed tree holds at `path`, or -1. */
  #rowAt(path: string): number {
    return this.#squashed.rowAt(this.#table.paths.find(path));
  }

  /** Appends `row` to its layer's list, or puts it where an earlier entry of the layer at its path stood. */
  #addToLayer(row: number, node: number): void {
    const inTree = this.#squashed.rowAt(node);
    const earlier =
      inTree >= 0 && this.#table.layer(inTree) === this.#layer ? inTree : (this.#removedInLayer.get(node) ?? -1);
    if (earlier < 0) {
      this.#layerEntries.push(row);
      return;
    }
    this.warn(this.#table.path(row), this.#layer, 'duplicate tar entry in one layer; the later one wins');
    this.#layerEntries.replace(earlier, row);
    this.#removedInLayer.delete(node);
  }

  #refuse(message: string): SgciError {
    return new SgciError('LAYER_CORRUPT', this.#layerInput, `layer ${this.#layer}: ${message}`);
  }

  /**
   * Where an entry lands: its directory resolved through the symlinks already unpacked, its last
   * component not (runtimes resolve with securejoin, so `bin/x` over a `bin -> usr/bin` symlink is
   * `/usr/bin/x`). A layer cannot hide a file from us behind a symlinked directory.
   */
  #throughSymlinks(path: string, header: TarHeader): string {
    if (this.#symlinks.size === 0) return path;
    const slash = path.lastIndexOf('/');
    if (slash <= 0) return path;
    const parent = path.slice(0, slash);
    const last = this.#lastParent;
    let resolved: string | undefined;
    if (last !== undefined && last.parent === parent && last.epoch === this.#symlinkEpoch) {
      resolved = last.resolved;
    } else {
      resolved = this.#hasSymlinkAncestor(parent) ? this.#resolve(parent) : parent;
      if (resolved === undefined) {
        throw this.#refuse(
          `tar entry ${JSON.stringify(header.path)} at byte ${header.offset} lies below a symlink loop`,
        );
      }
      this.#lastParent = { parent, resolved, epoch: this.#symlinkEpoch };
    }
    return resolved === parent ? path : `${resolved === '/' ? '' : resolved}${path.slice(slash)}`;
  }

  /** Runtimes create missing parents, but fail where one is a file, a device or a link to one. */
  #requireDirectoryAbove(path: string, header: TarHeader): void {
    for (let dir = parentPath(path); dir !== '/'; dir = parentPath(dir)) {
      const above = this.#rowAt(dir);
      if (above < 0) continue;
      const type = this.#table.type(above);
      if (type === 'dir') return;
      throw this.#refuse(
        `tar entry ${JSON.stringify(header.path)} at byte ${header.offset} lies below ${dir}, which is a ${type}`,
      );
    }
  }

  #hasSymlinkAncestor(dir: string): boolean {
    for (let i = dir.indexOf('/', 1); i >= 0; i = dir.indexOf('/', i + 1)) {
      if (this.#symlinks.has(dir.slice(0, i))) return true;
    }
    return this.#symlinks.has(dir);
  }

  /** `path` resolved through the squashed tree's symlinks (see resolveSymlinks). */
  #resolve(path: string): string | undefined {
    return resolveSymlinks((p) => symlinkTarget(this.#table, this.#squashed, p), path);
  }

  #trackSymlink(row: number, present: boolean): void {
    if (this.#table.type(row) !== 'symlink') return;
    if (present) this.#symlinks.add(this.#table.path(row));
    else this.#symlinks.delete(this.#table.path(row));
    this.#symlinkEpoch++;
  }

  /**
   * Puts a new row into the squashed tree; whatever it replaces is hidden, with its content dropped. Its
   * path node, and every missing parent's, is already linked below its parent: directories a layer never
   * named still exist for the runtime, and a whiteout of one removes what lies below it.
   */
  #place(row: number, node: number): void {
    const table = this.#table;
    const previous = this.#squashed.rowAt(node);
    const type = table.type(row);
    if (type !== 'dir' && table.paths.firstChild(node) >= 0) {
      // A non-directory over a directory, one a layer named or one only implied by paths below
      // it, takes away everything below it (runtimes remove the whole tree first).
      this.#removeBelow(node, Number.POSITIVE_INFINITY);
    }
    if (previous >= 0) {
      if (!(table.type(previous) === 'dir' && type === 'dir')) {
        this.#hidden.push(previous);
        this.#dropContent(previous);
      }
      this.#trackSymlink(previous, false);
    }
    this.#squashed.set(node, row);
    this.#trackSymlink(row, true);
  }

  #whiteout(path: string, name: string, slash: number, layer: number): void {
    const dir = slash <= 0 ? '/' : path.slice(0, slash);
    const paths = this.#table.paths;
    if (name === opaqueMarker) {
      this.#deleted.push({ path: dir, layer, opaque: true });
      this.#removeBelow(paths.find(dir), layer);
      return;
    }
    // Other `.wh..wh.` names are aufs bookkeeping (`.wh..wh.plnk`), not deletions.
    if (name.startsWith(`${whiteoutPrefix}${whiteoutPrefix}`)) return;
    const deletedName = name.slice(whiteoutPrefix.length);
    if (deletedName === '' || deletedName === '.' || deletedName === '..') {
      this.warn(path, layer, 'malformed whiteout names no file; ignored');
      return;
    }
    const target = `${dir === '/' ? '' : dir}/${deletedName}`;
    this.#deleted.push({ path: target, layer, opaque: false });
    const node = paths.find(target);
    const row = this.#squashed.rowAt(node);
    if (row >= 0 && this.#table.layer(row) < layer) this.#remove(row, node);
    this.#removeBelow(node, layer);
  }

  /** Removes every squashed entry below path node `node` (none for -1) written by a layer before `beforeLayer`. */
  #removeBelow(node: number, beforeLayer: number): void {
    if (node < 0) return;
    for (const child of this.#table.paths.below(node)) {
      const row = this.#squashed.rowAt(child);
      if (row >= 0 && this.#table.layer(row) < beforeLayer) this.#remove(row, child);
    }
  }

  #remove(row: number, node: number): void {
    this.#squashed.set(node, -1);
    if (this.#table.layer(row) === this.#layer) this.#removedInLayer.set(node, row);
    this.#trackSymlink(row, false);
    this.#hidden.push(row);
    this.#dropContent(row);
  }

  #dropContent(row: number): void {
    // A hardlink still shares this inode: its bytes stay, only the path is gone.
    if (this.#linked.has(row)) return;
    const content = this.#content.captured.get(row);
    if (content !== undefined) {
      this.#content.captured.delete(row);
      this.#capturedTotal -= content.length;
    }
    this.#content.skipped.delete(row);
  }

  /** Decides from the header alone which bytes of a regular file anyone needs; returns whether to receive data. */
  #startCapture(row: number, node: number): boolean {
    const limits = this.#limits;
    const entry = this.#table.entry(row);
    let keep = this.#wantsContent(entry.path);
    if (keep && entry.size > limits.maxCapturedFileBytes) {
      keep = false;
      this.#skip(
        row,
        entry,
        `content of ${entry.size} bytes exceeds maxCapturedFileBytes ${limits.maxCapturedFileBytes}; not captured`,
      );
    } else if (keep && this.#capturedTotal + entry.size > limits.maxCapturedTotalBytes) {
      keep = false;
      this.#skip(
        row,
        entry,
        `captured content would exceed maxCapturedTotalBytes ${limits.maxCapturedTotalBytes}; not captured`,
      );
    }
    let bytes = keep ? entry.size : 0;
    let visitors: VisitorBytes[] | undefined;
    // indexed, as in #visitEmpty: asked for every regular file, mostly before V8 compiles this, where a for-of
    // allocates an iterator and a result per step
    for (let i = 0; i < this.#visitors.length; i++) {
      const visitor = this.#visitors[i] as FileVisitor;
      const wanted = this.#ask(visitor, entry);
      if (wanted === undefined || wanted < 0) continue;
      const n = Math.min(wanted, entry.size, limits.maxCapturedFileBytes);
      visitors ??= [];
      visitors.push({ visitor, bytes: n });
      if (n > bytes) bytes = n;
    }
    const writers = this.#openSinks(entry);
    if (!keep && visitors === undefined && writers.length === 0) return false;
    if (keep) this.#capturedTotal += entry.size;
    const buffer = keep ? Buffer.allocUnsafe(bytes) : this.#scratchOf(bytes);
    this.#capture = { row, node, entry, buffer, fill: 0, keep, visitors: visitors ?? noVisitors, writers };
    return bytes > 0 || writers.length > 0;
  }

  #openSinks(entry: FileEntry): SinkWriter[] {
    const writers: SinkWriter[] = [];
    for (let i = 0; i < this.#sinks.length; i++) {
      const sink = this.#sinks[i] as FileSink;
      try {
        const writer = sink.open(entry);
        if (writer !== undefined) writers.push({ sink, writer });
      } catch (error) {
        this.#sinkFailed(sink, entry, error);
      }
    }
    return writers;
  }

  /** Hands the chunk to every writer; one that throws is dropped for the rest of the file, with a warning. */
  #write(capture: Capture, data: Uint8Array): void {
    const { writers, entry } = capture;
    for (let i = writers.length - 1; i >= 0; i--) {
      const { sink, writer } = writers[i] as SinkWriter;
      try {
        writer.write(data);
      } catch (error) {
        this.#sinkFailed(sink, entry, error);
        writers.splice(i, 1);
      }
    }
  }

  #endWriter({ sink, writer }: SinkWriter, entry: FileEntry): void {
    try {
      writer.end();
    } catch (error) {
      this.#sinkFailed(sink, entry, error);
    }
  }

  /** A sink's code threw: a warning naming the sink and the file. */
  #sinkFailed(sink: FileSink, entry: FileEntry, error: unknown): void {
    this.warn(entry.path, entry.layer, `sink ${sink.name} failed: ${describe(error)}`);
  }

  /** Empty regular files: kept as empty content, and visitors that want them see zero bytes. */
  #visitEmpty(row: number): void {
    const path = this.#table.path(row);
    if (this.#wantsContent(path)) this.#content.captured.set(row, new Uint8Array(0));
    if (this.#sinks.length === 0 && this.#visitors.length === 0) return;
    const entry = this.#table.entry(row);
    const writers = this.#openSinks(entry);
    for (let i = 0; i < writers.length; i++) this.#endWriter(writers[i] as SinkWriter, entry);
    for (let i = 0; i < this.#visitors.length; i++) {
      const visitor = this.#visitors[i] as FileVisitor;
      const wanted = this.#ask(visitor, entry);
      if (wanted !== undefined && wanted >= 0) this.#visit(visitor, entry, new Uint8Array(0), false);
    }
  }

  #wantsContent(path: string): boolean {
    return this.#declared(path) || (this.#linkTargets.size > 0 && this.#linkTargets.has(path));
  }

  /** A declared symlink: remember where it leads, so the target's content is kept when it comes. */
  #followDeclaredSymlink(row: number, path: string): void {
    const layer = this.#table.layer(row);
    const target = this.#resolve(path);
    if (target === undefined) {
      this.warn(path, layer, 'symlink loop: content not captured');
      return;
    }
    const existing = this.#rowAt(target);
    if (
      this.#exactPaths.has(path) &&
      existing >= 0 &&
      this.#table.type(existing) === 'file' &&
      !this.#content.captured.has(existing) &&
      !this.#content.skipped.has(existing)
    ) {
      this.warn(path, layer, `content not captured: symlink to ${target}, which FileNeeds does not name`);
    }
    this.#linkTargets.add(target);
  }

  #skip(row: number, entry: FileEntry, reason: string): void {
    this.#content.skipped.set(row, reason);
    this.warn(entry.path, entry.layer, reason);
  }

  #ask(visitor: FileVisitor, entry: FileEntry): number | undefined {
    try {
      return visitor.wants(entry);
    } catch (error) {
      this.#visitorFailed(visitor, entry, error);
      return undefined;
    }
  }

  #visit(visitor: FileVisitor, entry: FileEntry, content: Uint8Array, truncated: boolean): void {
    try {
      const result = visitor.visit(entry, content, truncated);
      if (result !== undefined) {
        this.#settling.push(result.then(undefined, (error: unknown) => this.#visitorFailed(visitor, entry, error)));
      }
    } catch (error) {
      this.#visitorFailed(visitor, entry, error);
    }
  }

  #visitorFailed(visitor: FileVisitor, entry: FileEntry, error: unknown): void {
    this.warn(entry.path, entry.layer, `visitor ${visitor.name} failed: ${describe(error)}`);
  }
}
