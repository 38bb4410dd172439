/**
 * The squashed filesystem view of each fixture image equals what `umoci raw unpack` writes to
 * disk: same paths, types, modes, owners, sizes, symlink targets, hardlinks, and captured content.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultLimits } from '../../src/core/index.ts';
import { readFilesystem } from '../../src/oci/fs/index.ts';
import type { FileEntry, FileType } from '../../src/oci/types.ts';
import { fileTypeOf } from '../helpers/disk.ts';
import { fixture, fixtureNames, fixturesMissing } from '../helpers/fixtures.ts';
import { ociLayoutLayers } from '../helpers/synthetic-image.ts';

const umociMissing =
  spawnSync('umoci', ['--version']).status === 0 ? undefined : 'umoci not installed (apt-get install umoci)';
// Without root umoci must run --rootless, which chowns nothing: owners are compared only as root.
const asRoot = process.getuid?.() === 0;
// Unpack into RAM where there is a tmpfs: the rootfs is thrown away right after the comparison.
const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

interface DiskEntry {
  readonly type: FileType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly ino: number;
  readonly mtime: number;
  readonly linkTarget?: string;
}

async function walk(root: string): Promise<Map<string, DiskEntry>> {
  const out = new Map<string, DiskEntry>();
  const pending = [''];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    for (const name of await readdir(join(root, dir))) {
      const rel = `${dir}/${name}`;
      const stat = await lstat(join(root, rel));
      const type = fileTypeOf(stat);
      out.set(rel, {
        type,
        mode: stat.mode & 0o7777,
        uid: stat.uid,
        gid: stat.gid,
        size: stat.size,
        ino: stat.ino,
        mtime: Math.floor(stat.mtimeMs / 1000),
        linkTarget: type === 'symlink' ? await readlink(join(root, rel)) : undefined,
      });
      if (type === 'dir') pending.push(rel);
    }
  }
  return out;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

for (const name of fixtureNames) {
  test(`the squashed view of ${name} equals umoci's unpacked rootfs`, {
    skip: fixturesMissing() ?? umociMissing,
  }, async () => {
    const dir = await mkdtemp(join(scratch, `sgci-umoci-${name}-`));
    try {
      const rootfs = join(dir, 'rootfs');
      const args = [
        'raw',
        'unpack',
        ...(asRoot ? [] : ['--rootless']),
        '--image',
        `${fixture(name).ociDir}:latest`,
        rootfs,
      ];
      const unpack = spawnSync('umoci', args, { encoding: 'utf8' });
      assert.equal(unpack.status, 0, unpack.stderr);
      const disk = await walk(rootfs);

      const layers = await ociLayoutLayers(fixture(name).ociDir);
      const fs = await readFilesystem(
        layers,
        { globs: ['/etc/**', '/var/lib/dpkg/**', '/usr/lib/os-release', '/app/**/*.json', '/usr/bin/*'] },
        { limits: defaultLimits },
      );
      const ours = new Map<string, FileEntry>();
      for (const entry of fs.squashed.entries()) if (entry.path !== '/') ours.set(entry.path, entry);

      const missing = [...disk.keys()].filter((p) => !ours.has(p));
      const extra = [...ours.keys()].filter((p) => !disk.has(p));
      assert.deepEqual({ missing: missing.slice(0, 20), extra: extra.slice(0, 20) }, { missing: [], extra: [] });

      const mismatches: string[] = [];
      let compared = 0;
      for (const [path, entry] of ours) {
        const onDisk = disk.get(path) as DiskEntry;
        const expect = (what: string, mine: unknown, theirs: unknown) => {
          if (mine !== theirs) mismatches.push(`${path}: ${what} ${String(mine)} != umoci ${String(theirs)}`);
        };
        if (entry.type === 'hardlink') {
          const target = disk.get(entry.linkTarget ?? '');
          expect('hardlink inode', onDisk.ino, target?.ino);
          expect('size', entry.size, onDisk.size);
          continue;
        }
        expect('type', entry.type, onDisk.type);
        if (entry.type !== 'symlink') expect('mode', entry.mode.toString(8), onDisk.mode.toString(8));
        if (asRoot) {
          expect('uid', entry.uid, onDisk.uid);
          expect('gid', entry.gid, onDisk.gid);
        }
        if (entry.type === 'file') expect('size', entry.size, onDisk.size);
        expect('mtime', entry.mtime, onDisk.mtime);
        if (entry.type === 'symlink') expect('link target', entry.linkTarget, onDisk.linkTarget);
        if (entry.type === 'file' && fs.squashed.hasContent(entry)) {
          compared++;
          expect('sha256', sha256(await fs.squashed.read(entry)), sha256(await readFile(join(rootfs, path))));
        }
      }
      assert.deepEqual(mismatches.slice(0, 20), []);
      assert.ok(compared > 10, `compared the content of ${compared} files`);
      assert.deepEqual(fs.warnings, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
