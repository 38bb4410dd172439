/**
 * A deliberately tiny OCI-layout reader for the secret-scanner tests and measurements: index.json ->
 * manifest -> config + gzip layers -> tar entries, with whiteouts applied to a path -> layer map. It trusts
 * the fixture (no digest checks, no limits); production code reads images through src/oci.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import type { ImageConfig } from '../../src/oci/image/schema.ts';
import type { FileEntry, FileTreeView, FileVisitor, ImageFilesystem } from '../../src/oci/types.ts';

interface Descriptor {
  readonly digest: string;
  readonly mediaType?: string;
}

function blobPath(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return join(dir, 'blobs', algorithm ?? 'sha256', hex ?? '');
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export interface LayoutPass {
  readonly config: ImageConfig;
  /** Only `squashed.get` is implemented: enough for `markHidden`. */
  readonly fs: Pick<ImageFilesystem, 'squashed'>;
  /** Bytes handed to visitors and how many files. */
  readonly visitedBytes: number;
  readonly visitedFiles: number;
  /** Time spent inside visitor.visit calls, in milliseconds. */
  readonly visitMillis: number;
}

/** Streams every layer once, hands regular files to the visitors as `FileVisitor` promises, squashes paths. */
export async function passOverLayout(dir: string, visitors: readonly FileVisitor[]): Promise<LayoutPass> {
  const index = await readJson<{ manifests: Descriptor[] }>(join(dir, 'index.json'));
  const first = index.manifests[0];
  if (!first) throw new Error(`${dir}: empty index`);
  const manifest = await readJson<{ config: Descriptor; layers: Descriptor[] }>(blobPath(dir, first.digest));
  const config = await readJson<ImageConfig>(blobPath(dir, manifest.config.digest));
  const visible = new Map<string, FileEntry>();
  let visitedBytes = 0;
  let visitedFiles = 0;
  let visitMillis = 0;
  for (const [layer, descriptor] of manifest.layers.entries()) {
    const deletions: { dir: string; name?: string }[] = [];
    const written: FileEntry[] = [];
    const tar = extract();
    const source = createReadStream(blobPath(dir, descriptor.digest));
    const stream = descriptor.mediaType?.endsWith('gzip') === false ? source : source.pipe(createGunzip());
    stream.pipe(tar);
    for await (const item of tar) {
      const header = item.header;
      const path = posix.normalize(`/${header.name}`).replace(/\/$/, '') || '/';
      const base = posix.basename(path);
      if (base === '.wh..wh..opq') {
        deletions.push({ dir: posix.dirname(path) });
        item.resume();
        continue;
      }
      if (base.startsWith('.wh.')) {
        deletions.push({ dir: posix.dirname(path), name: base.slice(4) });
        item.resume();
        continue;
      }
      const type =
        header.type === 'directory'
          ? 'dir'
          : header.type === 'symlink'
            ? 'symlink'
            : header.type === 'link'
              ? 'hardlink'
              : header.type === 'file'
                ? 'file'
                : 'fifo';
      const entry: FileEntry = {
        path,
        type,
        mode: header.mode ?? 0,
        uid: header.uid ?? 0,
        gid: header.gid ?? 0,
        size: header.size ?? 0,
        layer,
      };
      written.push(entry);
      const wanted = type === 'file' ? visitors.map((visitor) => visitor.wants(entry)) : [];
      const want = Math.max(0, ...wanted.map((n) => n ?? 0));
      if (want === 0) {
        item.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      for await (const chunk of item as AsyncIterable<Buffer>) {
        if (length < want) {
          chunks.push(chunk);
          length += chunk.length;
        }
      }
      const content = Buffer.concat(chunks).subarray(0, want);
      visitedBytes += content.length;
      visitedFiles++;
      const started = performance.now();
      for (const [i, visitor] of visitors.entries()) {
        const n = wanted[i];
        if (n !== undefined) await visitor.visit(entry, content.subarray(0, n), entry.size > n);
      }
      visitMillis += performance.now() - started;
    }
    for (const deletion of deletions) {
      const prefix = deletion.name === undefined ? `${deletion.dir}/` : `${posix.join(deletion.dir, deletion.name)}`;
      for (const path of [...visible.keys()]) {
        if (deletion.name === undefined ? path.startsWith(prefix) : path === prefix || path.startsWith(`${prefix}/`)) {
          visible.delete(path);
        }
      }
    }
    for (const entry of written) visible.set(entry.path, entry);
  }
  const squashed: Pick<FileTreeView, 'get'> = { get: (path) => visible.get(path) };
  return { config, fs: { squashed: squashed as FileTreeView }, visitedBytes, visitedFiles, visitMillis };
}
