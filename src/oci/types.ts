import type { Chunks, Digest, Limits, StreamHasher, Unknown } from '../core/index.ts';
import type { Descriptor, ImageConfig, ImageManifest, Platform } from './image/schema.ts';

export type SourceKind = 'registry' | 'oci-dir' | 'oci-archive' | 'docker-archive' | 'dir';

/** One layer as the manifest lists it, joined with its config diffID and history line. */
export interface LayerInfo {
  /** Position among the image's layers, 0 = base. Every FileEntry.layer refers to this. */
  readonly index: number;
  readonly digest: Digest;
  readonly mediaType: string;
  /** Compressed size per the descriptor. */
  readonly size: number;
  readonly diffId?: Digest;
  readonly createdBy?: string;
  readonly created?: string;
}

export interface Layer extends LayerInfo {
  /**
   * The blob as stored (compressed), verified against `digest` while it streams. Chunks may be
   * reused buffers, valid until the next is asked for: copy what you keep.
   */
  open(): Promise<Chunks>;
}

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface FileEntry {
  /** Absolute, normalised (`/usr/bin/env`); never resolved through symlinks. */
  readonly path: string;
  readonly type: FileType;
  /** Permission bits including setuid/setgid/sticky (`& 0o7777`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Symlink target as written, or the absolute path a hardlink points to. */
  readonly linkTarget?: string;
  readonly xattrs?: Readonly<Record<string, Uint8Array>>;
  /** Seconds since the epoch, as the tar header says. */
  readonly mtime?: number;
  /** Index of the layer that wrote this entry. */
  readonly layer: number;
}

export interface FileTreeView {
  get(path: string, options?: { followSymlinks?: boolean }): FileEntry | undefined;
  /** Entries whose path matches a glob (`*` within a segment, `**` across segments). */
  glob(pattern: string): readonly FileEntry[];
  /** All entries sorted by path. */
  entries(): Iterable<FileEntry>;
  /** Whether content of this entry was captured during the pass. */
  hasContent(entry: FileEntry): boolean;
  /** Content captured during the pass; SgciError LIMIT_EXCEEDED past the bound, never an unbounded read. */
  read(entry: FileEntry): Promise<Uint8Array>;
}

export interface ImageFilesystem {
  /** What a running container sees. */
  readonly squashed: FileTreeView;
  /** One layer's own entries (whiteout markers excluded). */
  layer(index: number): FileTreeView;
  /** Entries shipped in some layer but removed or replaced by a later whiteout/opaque dir. */
  readonly hidden: readonly FileEntry[];
  /** Paths deleted by whiteouts, with the layer that deleted them. */
  readonly deleted: readonly { readonly path: string; readonly layer: number; readonly opaque: boolean }[];
  /** Problems in the layers that did not stop the pass (duplicate entries, odd headers). */
  readonly warnings: readonly Unknown[];
}

/**
 * Called during the single pass for regular files of every layer (including files a later layer
 * deletes). `wants` decides from the header alone how many bytes it needs; content is handed over
 * once and not retained, so memory stays bounded.
 */
export interface FileVisitor {
  readonly name: string;
  wants(entry: FileEntry): number | undefined;
  visit(entry: FileEntry, content: Uint8Array, truncated: boolean): void | Promise<void>;
}

/**
 * Like a FileVisitor, but fed every byte of the files it opens as they stream by, chunk by chunk and
 * without a copy: for work over whole files (hashing every packaged file) that must not hold each
 * file in memory nor be bounded by the capture limits.
 */
export interface FileSink {
  readonly name: string;
  /** A writer for this file's bytes, or undefined to let it pass; decided from the header alone. */
  open(entry: FileEntry): FileSinkWriter | undefined;
  /**
   * Where a sink hashes on another thread: the pass hands it each layer's uncompressed bytes (their diffID to
   * hash, and the blob's digest where the blob allows) before the tar parser sees them, and the views `write`
   * gets are of those bytes, taken without a copy.
   */
  readonly streams?: StreamHasher;
}

export interface FileSinkWriter {
  /** The next bytes of the file: a view valid only during the call. */
  write(chunk: Uint8Array): void;
  /** Every byte has been written. */
  end(): void;
}

/** What consumers declare before any byte is read (Trivy `Required`, Syft globs). */
export interface FileNeeds {
  /** Exact absolute paths whose content the squashed view keeps for `read`. */
  readonly paths?: readonly string[];
  /** Globs whose content the squashed view keeps for `read`. */
  readonly globs?: readonly string[];
  readonly visitors?: readonly FileVisitor[];
  readonly sinks?: readonly FileSink[];
}

/**
 * One consumer of the single pass (catalogers, secret scanner, checks): what it needs before any byte is read, and
 * the finish step that turns what the pass captured into its result.
 */
export interface PassPart<Input, Output> {
  readonly needs: FileNeeds;
  finish(input: Input): Promise<Output>;
}

export interface ImageSourceDescription {
  readonly kind: SourceKind;
  /** What the user typed. */
  readonly input: string;
  /** Normalised reference: `docker.io/library/alpine:latest`, an absolute path for local sources. */
  readonly name: string;
  readonly registry?: string;
  readonly repository?: string;
  readonly tag?: string;
}

export interface Image extends AsyncDisposable {
  readonly source: ImageSourceDescription;
  /** Manifest digest, verified. Undefined only for `dir:` sources, which have no manifest. */
  readonly digest: Digest | undefined;
  readonly mediaType: string;
  /** Digest and media type of the index the manifest was picked from, if any. */
  readonly index?: { readonly digest: Digest; readonly mediaType: string; readonly platforms: readonly Platform[] };
  readonly platform: Platform;
  readonly manifest: ImageManifest | undefined;
  /** The raw manifest bytes: what the digest covers. */
  readonly manifestBytes: Uint8Array | undefined;
  readonly config: ImageConfig;
  readonly configDescriptor: Descriptor | undefined;
  readonly layers: readonly Layer[];
  /**
   * One streaming pass over all layers, capturing what `needs` asks for; with `layers`, over only the layers whose
   * index it holds (a `dir:` image, which has none, is read whole).
   */
  filesystem(needs?: FileNeeds, layers?: ReadonlySet<number>): Promise<ImageFilesystem>;
}

export interface OpenOptions {
  readonly platform?: Platform;
  readonly limits: Limits;
  readonly signal?: AbortSignal;
}
