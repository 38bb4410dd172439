/**
 * Differential test of the layer pass against Go's archive/tar, the reader Docker, containerd and
 * podman unpack layers with (here through `umoci raw unpack`, a Go program from Debian). Thousands
 * of generated archives use the room the tar format leaves (test/helpers/tar-variants.ts); for each,
 * sgci must either refuse it with an SgciError or show exactly what umoci writes to disk: the same
 * paths, types, modes, owners, sizes, times, link targets, contents and extended attributes.
 *
 * Archives sgci reads are stacked as the layers of one image per batch (each keeps to its own top
 * directory), so one umoci run checks a hundred; a batch umoci refuses is halved until the archive
 * it refuses is found. `SGCI_TAR_SEED` and `SGCI_TAR_ARCHIVES` reproduce or widen a run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSgciError, withLimits } from '../../src/core/index.ts';
import { readFilesystem } from '../../src/oci/fs/index.ts';
import { decodeName } from '../../src/oci/layer/index.ts';
import type { FileEntry, FileType, ImageFilesystem, Layer } from '../../src/oci/types.ts';
import { fileTypeOf } from '../helpers/disk.ts';
import { layerFromBlob, writeLayout } from '../helpers/synthetic-image.ts';
import { generateTarVariants, type VariantArchive } from '../helpers/tar-variants.ts';

const seed = Number(process.env.SGCI_TAR_SEED ?? 20261206);
const count = Number(process.env.SGCI_TAR_ARCHIVES ?? 2000);
const batchSize = 100;

const umociMissing =
  spawnSync('umoci', ['--version']).status === 0 ? undefined : 'umoci not installed (apt-get install umoci)';
const getfattrMissing =
  spawnSync('getfattr', ['--version']).status === 0 ? undefined : 'getfattr not installed (apt-get install attr)';
// Owners, devices and security.capability are only written as root (umoci --rootless writes none of them).
const notRoot = process.getuid?.() === 0 ? undefined : 'needs root: umoci writes owners and devices only as root';
const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const limits = withLimits({ maxEntries: 1_000_000 });

const layerOf = (index: number, bytes: Buffer): Layer =>
  // Chunks of odd sizes, so headers and records straddle them.
  layerFromBlob(index, bytes, bytes, { compression: 'none', chunkSize: 97 + (index % 7) * 333 });

test(`sgci reads ${count} generated tar variants as Go's archive/tar (umoci raw unpack) does, or refuses them`, {
  skip: umociMissing ?? getfattrMissing ?? notRoot,
  timeout: 600_000,
}, async (t) => {
  const archives = generateTarVariants(seed, count);
  const problems: string[] = [];
  const accepted: VariantArchive[] = [];
  const refusals = new Map<string, number>();
  for (const archive of archives) {
    try {
      await readFilesystem(
        archive.layers.map((layer, i) => layerOf(i, layer.bytes)),
        {},
        { limits },
      );
      accepted.push(archive);
    } catch (error) {
      if (!isSgciError(error)) {
        problems.push(`${describeArchive(archive)}: not an SgciError: ${String(error)}`);
        continue;
      }
      if (archive.intent === 'valid')
        problems.push(`${describeArchive(archive)}: Go reads it, sgci refuses: ${error.message}`);
      const reason = error.message
        .replace(/^sha256:[0-9a-f]+: layer \d+: /, '')
        .replace(/\d+/g, 'N')
        .replace(/"[^"]*"/g, '"…"');
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    }
  }

  const work = await mkdtemp(join(scratch, 'sgci-tar-diff-'));
  const runs = { umoci: 0 };
  try {
    for (let i = 0; i < accepted.length; i += batchSize) {
      await compareBatch(accepted.slice(i, i + batchSize), work, problems, runs);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  t.diagnostic(
    `seed ${seed}: ${archives.length} archives, ${accepted.length} read by sgci and compared with umoci in ${runs.umoci} runs, ` +
      `${archives.length - accepted.length} refused: ${[...refusals].map(([reason, n]) => `${n}x ${reason}`).join('; ')}`,
  );
  if (process.env.SGCI_TAR_REPORT) await writeFile(process.env.SGCI_TAR_REPORT, problems.join('\n'));
  assert.equal(problems.length, 0, `${problems.length} disagreements:\n${problems.slice(0, 25).join('\n')}`);
  const valid = archives.filter((a) => a.intent === 'valid').length;
  assert.ok(valid > count * 0.8, `${valid} of the archives are ones Go reads`);
});

function describeArchive(archive: VariantArchive): string {
  return `archive ${archive.index} [${archive.intent}; ${archive.notes.join(', ')}]`;
}

/** Unpacks the batch with umoci and compares; a batch umoci refuses is halved until the archive is found. */
async function compareBatch(
  batch: readonly VariantArchive[],
  work: string,
  problems: string[],
  runs: { umoci: number },
): Promise<void> {
  const dir = await mkdtemp(join(work, 'batch-'));
  try {
    const layout = join(dir, 'layout');
    await writeLayout(
      layout,
      batch.flatMap((a) => a.layers.map((layer) => layer.reference)),
    );
    const rootfs = join(dir, 'rootfs');
    runs.umoci++;
    const unpack = spawnSync('umoci', ['raw', 'unpack', '--image', `${layout}:t`, rootfs], { encoding: 'utf8' });
    if (unpack.status !== 0) {
      if (batch.length === 1) {
        const archive = batch[0] as VariantArchive;
        const message = unpack.stderr.trim().split('\n').at(-1) ?? '';
        problems.push(`${describeArchive(archive)}: sgci reads it, umoci refuses: ${message}`);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await rm(dir, { recursive: true, force: true });
      await compareBatch(batch.slice(0, half), work, problems, runs);
      await compareBatch(batch.slice(half), work, problems, runs);
      return;
    }
    const fs = await readFilesystem(
      batch.flatMap((a) => a.layers.map((layer) => layer.bytes)).map((bytes, i) => layerOf(i, bytes)),
      { globs: ['/**'] },
      { limits },
    );
    const disk = await walk(rootfs);
    await compareViews(fs, disk, batch, problems);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface DiskEntry {
  readonly type: FileType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly linkTarget?: string;
  readonly sha256?: string;
  readonly xattrs: Record<string, string>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Whole seconds, rounded down, of a time in nanoseconds (exact: mtimeMs as a double is not). */
function floorSeconds(ns: bigint): number {
  const seconds = ns / 1_000_000_000n;
  return Number(ns < 0n && seconds * 1_000_000_000n !== ns ? seconds - 1n : seconds);
}

/**
 * Go sets file times through nanoseconds in an int64, which overflows past 2262 (and runtimes then
 * differ: umoci writes the wrapped value, Docker the epoch). Such times are compared by no one.
 */
const maxComparableSeconds = 9_223_372_036;

/** Every path below `root`, named as sgci names them (bytes decoded one-to-one), with what lstat says. */
async function walk(root: string): Promise<Map<string, DiskEntry>> {
  const xattrs = readXattrs(root);
  const out = new Map<string, DiskEntry>();
  const pending: Buffer[] = [Buffer.alloc(0)];
  const rootBytes = Buffer.from(root);
  while (pending.length > 0) {
    const dir = pending.pop() as Buffer;
    for (const name of await readdir(Buffer.concat([rootBytes, dir]), { encoding: 'buffer' })) {
      const relative = Buffer.concat([dir, Buffer.from('/'), name]);
      const full = Buffer.concat([rootBytes, relative]);
      const stat = await lstat(full, { bigint: true });
      const type = fileTypeOf(stat);
      const path = decodeName(relative);
      out.set(path, {
        type,
        mode: Number(stat.mode) & 0o7777,
        uid: Number(stat.uid),
        gid: Number(stat.gid),
        size: Number(stat.size),
        mtime: floorSeconds(stat.mtimeNs),
        ...(type === 'symlink' ? { linkTarget: decodeName(await readlink(full, { encoding: 'buffer' })) } : {}),
        ...(type === 'file' ? { sha256: sha256(await readFile(full)) } : {}),
        xattrs: xattrs.get(path) ?? {},
      });
      if (type === 'dir') pending.push(relative);
    }
  }
  return out;
}

/** `getfattr -R` of the whole tree at once (one process, not one per file): path -> name -> hex value. */
function readXattrs(root: string): Map<string, Record<string, string>> {
  const result = spawnSync('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', root], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of result.stdout.toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      const path = unescapeGetfattr(line.slice('# file: '.length)).subarray(Buffer.byteLength(root));
      current = {};
      out.set(decodeName(path), current);
    } else if (current && line.includes('=')) {
      const eq = line.indexOf('=');
      current[line.slice(0, eq)] = line.slice(eq + 1).replace(/^0x/, '');
    }
  }
  return out;
}

/** getfattr writes bytes it will not print as `\ooo` octal escapes. */
function unescapeGetfattr(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && /^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

async function compareViews(
  fs: ImageFilesystem,
  disk: Map<string, DiskEntry>,
  batch: readonly VariantArchive[],
  problems: string[],
): Promise<void> {
  const byRoot = new Map(batch.map((a) => [`/${a.root}`, a]));
  const archiveOf = (path: string) => byRoot.get(path.slice(0, (path.indexOf('/', 1) + 1 || path.length + 1) - 1));
  const ours = new Map<string, FileEntry>();
  for (const entry of fs.squashed.entries()) if (entry.path !== '/') ours.set(entry.path, entry);
  const report = (path: string, what: string) => {
    const archive = archiveOf(path);
    problems.push(`${archive ? describeArchive(archive) : 'no archive'}: ${JSON.stringify(path)}: ${what}`);
  };

  // Directories a layer never named: umoci creates them (for entries below them, for whiteouts in
  // them), sgci does not invent entries for them.
  const parents = new Set<string>();
  const named = [
    ...ours.keys(),
    ...fs.deleted.map((d) => (d.opaque ? `${d.path}/.wh..wh..opq` : d.path)),
    ...fs.hidden.map((h) => h.path),
  ];
  for (const path of named) {
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) parents.add(path.slice(0, i));
  }
  for (const [path, entry] of disk) {
    if (ours.has(path)) continue;
    if (!(entry.type === 'dir' && parents.has(path)))
      report(path, `umoci wrote a ${entry.type} that sgci does not show`);
  }
  for (const [path, entry] of ours) {
    const onDisk = disk.get(path);
    if (onDisk === undefined) {
      report(path, `sgci shows a ${entry.type} that umoci did not write`);
      continue;
    }
    const expect = (what: string, mine: unknown, theirs: unknown) => {
      if (mine !== theirs) report(path, `${what}: sgci ${String(mine)}, umoci ${String(theirs)}`);
    };
    const type = entry.type === 'hardlink' ? 'file' : entry.type;
    expect('type', type, onDisk.type);
    if (type !== onDisk.type) continue;
    if (type !== 'symlink') expect('mode', entry.mode.toString(8), onDisk.mode.toString(8));
    expect('uid', entry.uid, onDisk.uid);
    expect('gid', entry.gid, onDisk.gid);
    // Directory times change as a side effect of unpacking (umoci restores a parent's time, but not
    // that of a grandparent when it creates a missing parent): they are runtime-specific.
    if (type !== 'dir' && Math.abs(entry.mtime ?? 0) < maxComparableSeconds) expect('mtime', entry.mtime, onDisk.mtime);
    if (type === 'symlink') expect('link target', entry.linkTarget, onDisk.linkTarget);
    if (type === 'file') {
      expect('size', entry.size, onDisk.size);
      const content = await fs.squashed.read(entry).then(sha256, (error: unknown) => `unreadable: ${String(error)}`);
      expect('sha256', content, onDisk.sha256);
    }
    const mine = Object.fromEntries(
      Object.entries(entry.xattrs ?? {}).map(([name, value]) => [name, Buffer.from(value).toString('hex')]),
    );
    expect('xattrs', JSON.stringify(sortKeys(mine)), JSON.stringify(sortKeys(onDisk.xattrs)));
  }
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
