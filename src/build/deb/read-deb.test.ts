import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultLimits, isSgciError } from '../../core/index.ts';
import { dpkgDebAvailable, makeDeb } from '../testing.ts';
import { type Deb, readDeb } from './read-deb.ts';

const skip = dpkgDebAvailable ? false : 'dpkg-deb is not installed (apt-get install dpkg)';
const archives = '/var/cache/apt/archives';

function modeString(type: string, mode: number): string {
  const letter = { dir: 'd', symlink: 'l', hardlink: 'h', file: '-', char: 'c', block: 'b', fifo: 'p' }[type] ?? '?';
  const bits = 'rwxrwxrwx'.split('').map((c, i) => ((mode >> (8 - i)) & 1 ? c : '-'));
  if (mode & 0o4000) bits[2] = bits[2] === 'x' ? 's' : 'S';
  if (mode & 0o2000) bits[5] = bits[5] === 'x' ? 's' : 'S';
  if (mode & 0o1000) bits[8] = bits[8] === 'x' ? 't' : 'T';
  return letter + bits.join('');
}

/** Our entries in `dpkg-deb -c`'s format (GNU tar -tv, owners numeric as in Debian's archives), without dates. */
function listing(deb: Deb): string[] {
  return deb.entries.map(({ header }) => {
    const link =
      header.type === 'symlink'
        ? ` -> ${header.linkpath}`
        : header.type === 'hardlink'
          ? ` link to ${header.linkpath}`
          : '';
    return `${modeString(header.type, header.mode)} ${header.uid}/${header.gid} ${header.size} ${header.path}${link}`;
  });
}

/** `dpkg-deb -c` with numeric owners and the date columns dropped. */
function dpkgListing(path: string): string[] {
  const out = execFileSync(
    'sh',
    ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -tv --numeric-owner --quoting-style=literal -f -', 'sh', path],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
    },
  );
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const m = /^(\S+) (\d+)\/(\d+) +(\d+) \S+ \S+ (.*)$/.exec(line);
      assert.ok(m, line);
      return `${m[1]} ${m[2]}/${m[3]} ${m[4]} ${m[5]}`;
    });
}

/** sha256 of every regular file as dpkg-deb extracts it. */
function dpkgContents(path: string): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-dpkg-x-'));
  execFileSync('dpkg-deb', ['-x', path, dir]);
  const sums = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    sums.set(`./${full.slice(dir.length + 1)}`, createHash('sha256').update(readFileSync(full)).digest('hex'));
  }
  return sums;
}

function assertSameAsDpkg(deb: Deb, path: string): void {
  const ours = listing(deb);
  const theirs = dpkgListing(path);
  const first = ours.findIndex((line, i) => line !== theirs[i]);
  assert.equal(first, -1, `${path} entry ${first}: ours ${ours[first]}, dpkg-deb ${theirs[first]}`);
  assert.equal(ours.length, theirs.length, path);
  const extracted = dpkgContents(path);
  for (const { header, content } of deb.entries) {
    if (header.type !== 'file') continue;
    assert.equal(
      createHash('sha256')
        .update(content ?? Buffer.alloc(0))
        .digest('hex'),
      extracted.get(header.path),
      header.path,
    );
  }
}

for (const compression of ['xz', 'gzip', 'zstd', 'none'] as const) {
  test(`a ${compression} .deb made by dpkg-deb reads as dpkg-deb lists and extracts it`, { skip }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
    const pkg = makeDeb(out, {
      name: `sample-${compression}`,
      compression,
      scripts: { postinst: '#!/bin/sh\nexit 0\n' },
      files: [
        { path: 'usr/bin/tool', content: 'binary', mode: 0o4755 },
        { path: 'usr/bin/tool-alias', hardlink: 'usr/bin/tool' },
        { path: 'usr/bin/short', symlink: 'tool' },
        { path: 'var/mail', dir: true, mode: 0o2775 },
        { path: `usr/share/${'long-directory-name/'.repeat(8)}file.txt`, content: 'deep\n' },
        { path: 'usr/share/doc/sample/copyright', content: 'License: MIT\n' },
      ],
    });
    const deb = await readDeb(pkg.debPath, pkg.debPath, defaultLimits);
    assertSameAsDpkg(deb, pkg.debPath);
    assert.equal(deb.dataCompression, compression);
    assert.match(deb.control.control, /^Package: sample-/);
    assert.match(deb.control.md5sums ?? '', /usr\/bin\/tool$/m);
    assert.deepEqual(deb.control.scripts, ['postinst']);
  });
}

test('what is not a .deb is refused naming the file', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-notdeb-'));
  const notAr = join(dir, 'not.deb');
  writeFileSync(notAr, 'hello world, not an archive');
  await assert.rejects(
    readDeb(notAr, 'not.deb', defaultLimits),
    (e) => isSgciError(e, 'ARCHIVE_INVALID') && /^not\.deb: /.test(e.message),
  );
  const pkg = makeDeb(dir, { name: 'cut', files: [{ path: 'usr/share/x', content: 'x'.repeat(10_000) }] });
  const bytes = readFileSync(pkg.debPath);
  const cut = join(dir, 'cut.deb');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
  await assert.rejects(readDeb(cut, 'cut.deb', defaultLimits), (e) => isSgciError(e) && /^cut\.deb/.test(e.message));
});

const realDebs = existsSync(archives)
  ? readdirSync(archives)
      .filter((n) => /^(base-files|ca-certificates|tzdata|libssl3|libc6|netbase|media-types)_.*\.deb$/.test(n))
      .sort()
  : [];

test('real Debian packages from the apt cache read as dpkg-deb lists and extracts them', {
  skip:
    realDebs.length === 0
      ? `no Debian packages in ${archives} (apt-get install --download-only base-files tzdata)`
      : skip,
  timeout: 300_000,
}, async () => {
  for (const name of realDebs) {
    const path = join(archives, name);
    assertSameAsDpkg(await readDeb(path, name, defaultLimits), path);
  }
});
