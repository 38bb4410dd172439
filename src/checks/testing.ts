/**
 * Builders for check tests: a small synthetic image (config + files in layers, with hidden files) on H2's
 * buildFileTree, and a context with the built-in policy and a fixed clock. Used by *.test.ts only.
 */

import type { Digest } from '../core/index.ts';
import { buildFileTree } from '../oci/fs/index.ts';
import type { ContainerConfig, ImageConfig } from '../oci/image/index.ts';
import type { FileEntry, FileSink, FileType, ImageFilesystem } from '../oci/index.ts';
import { defaultPolicy, type Policy } from '../policy/index.ts';
import type { Check, CheckImage, CheckResult, FileDigests, ScanContext } from './check.ts';
import { createDigestSink } from './facts/file-digests.ts';
import { parseDockerfile } from './inputs/dockerfile.ts';
import { parseManifests } from './inputs/manifests.ts';

export interface TestFile {
  readonly path: string;
  readonly type?: FileType;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly layer?: number;
  readonly content?: string;
  readonly linkTarget?: string;
  readonly xattrs?: Record<string, Uint8Array>;
  readonly mtime?: number;
}

export const testNow = new Date('2026-06-01T12:00:00Z');

function entryOf(f: TestFile): { entry: FileEntry; content?: Uint8Array } {
  const content = f.content === undefined ? undefined : new TextEncoder().encode(f.content);
  const type = f.type ?? 'file';
  const entry: FileEntry = {
    path: f.path,
    type,
    mode: f.mode ?? (type === 'dir' ? 0o755 : 0o644),
    uid: f.uid ?? 0,
    gid: f.gid ?? 0,
    size: content?.length ?? 0,
    layer: f.layer ?? 0,
    ...(f.linkTarget === undefined ? {} : { linkTarget: f.linkTarget }),
    ...(f.xattrs === undefined ? {} : { xattrs: f.xattrs }),
    ...(f.mtime === undefined ? {} : { mtime: f.mtime }),
  };
  return { entry, ...(content ? { content } : {}) };
}

/** Hands the regular files of `files` to `sink` in their order, each in two pieces as a file spanning two chunks. */
function feed(sink: FileSink, files: readonly TestFile[]): void {
  for (const file of files) {
    const { entry, content = new Uint8Array() } = entryOf(file);
    if (entry.type !== 'file') continue;
    const writer = sink.open(entry);
    if (writer === undefined) continue;
    writer.write(content.subarray(0, 1));
    writer.write(content.subarray(1));
    writer.end();
  }
}

/**
 * The filesystem of `files` and the file digests of a pass that met them in the order given (a tar order: package
 * databases wherever they fall). `reread`: whether layers can be read again afterwards (their files replayed in
 * the same order; `rereads` lists the layers each time), or the error reading them again fails with.
 */
export async function digestsInOrder(
  files: readonly TestFile[],
  reread: boolean | Error = true,
): Promise<{ fs: ImageFilesystem; fileDigests: FileDigests; rereads: number[][] }> {
  const rereads: number[][] = [];
  const digests = createDigestSink({
    inThread: true,
    ...(reread === false
      ? {}
      : {
          reread: async (layers, sink) => {
            rereads.push([...layers].sort());
            if (reread instanceof Error) throw reread;
            feed(
              sink,
              files.filter((f) => layers.has(f.layer ?? 0)),
            );
          },
        }),
  });
  feed(digests.sink, files);
  return { fs: testFilesystem(files), fileDigests: await digests.result(), rereads };
}

/** A filesystem whose squashed view holds `files`; `hidden` were shipped and removed by a later layer. */
export function testFilesystem(files: readonly TestFile[], hidden: readonly TestFile[] = []): ImageFilesystem {
  const squashed = buildFileTree(files.map(entryOf));
  return {
    squashed,
    layer: (index: number) => buildFileTree(files.filter((f) => (f.layer ?? 0) === index).map(entryOf)),
    hidden: hidden.map((h) => entryOf(h).entry),
    deleted: hidden.map((h) => ({ path: h.path, layer: (h.layer ?? 0) + 1, opaque: false })),
    warnings: [],
  };
}

export function testImage(
  config: ContainerConfig = {},
  options: { created?: string; annotations?: Record<string, string>; reference?: string; digest?: string } = {},
): CheckImage {
  const imageConfig: ImageConfig = {
    created: options.created ?? '2026-05-20T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config,
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
  const reference = options.reference ?? 'registry.example/app:1.0';
  return {
    reference,
    source: { kind: 'registry', input: reference, name: reference },
    digest: (options.digest ?? `sha256:${'ab'.repeat(32)}`) as Digest,
    platform: 'linux/amd64',
    created: imageConfig.created,
    config: imageConfig,
    manifestAnnotations: options.annotations ?? {},
    layers: [],
  };
}

export function testContext(parts: Partial<ScanContext> & { policy?: Policy } = {}): ScanContext {
  return { policy: defaultPolicy, now: testNow, ...parts };
}

/** Evaluates a check as a scan does: a context check's `collect` step first, on the same context. */
export async function evaluateCheck(check: Check, ctx: ScanContext): Promise<CheckResult> {
  if (check.reads === 'filesystem') return check.evaluate(ctx);
  return check.evaluate(ctx, check.collect ? await check.collect(ctx) : undefined);
}

export const dockerfile = (text: string, path = 'Dockerfile') => parseDockerfile(text, path);

export function manifests(text: string, path = 'deploy.yaml') {
  const { workloads, other } = parseManifests(text, path);
  return { source: path, workloads, otherDocuments: other };
}

/** /etc/passwd and /etc/group with root and one application account. */
export function accountFiles(name: string, uid: number, gid = uid): TestFile[] {
  return [
    {
      path: '/etc/passwd',
      content: `root:x:0:0:root:/root:/bin/sh\n${name}:x:${uid}:${gid}::/home/${name}:/sbin/nologin\n`,
    },
    { path: '/etc/group', content: `root:x:0:\n${name}:x:${gid}:\n` },
  ];
}
