import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeFileAtomic } from './atomic-file.ts';
import { isSgciError } from './errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'sgci-atomic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The IO_ERROR writeFileAtomic throws, with its message; fails the test when it does not throw one. */
async function ioError(path: string): Promise<string> {
  try {
    await writeFileAtomic(path, 'x');
  } catch (error) {
    assert.ok(isSgciError(error, 'IO_ERROR'), String(error));
    assert.ok(error.message.startsWith(`${path}: `), error.message);
    assert.ok(!error.message.includes('\n'));
    return error.message.slice(path.length + 2);
  }
  assert.fail(`${path} was written`);
}

test('writes through missing directories and leaves no temp file', async () => {
  const path = join(dir, 'new', 'deeper', 'report.json');
  await writeFileAtomic(path, '{}');
  assert.equal(readFileSync(path, 'utf8'), '{}');
  assert.deepEqual(readdirSync(join(dir, 'new', 'deeper')), ['report.json']);
});

test('a directory that is a dangling symlink (scan --out) is named with its missing target', async () => {
  const out = join(dir, 'out-dangling');
  symlinkSync(join(dir, 'nowhere', 'reports'), out);
  assert.equal(
    await ioError(join(out, 'sbom.cdx.json')),
    `cannot create the directory ${out}: ${out} is a symlink to ${join(dir, 'nowhere', 'reports')}, which does not exist`,
  );
});

test('a file in the way of the directory is named', async () => {
  const file = join(dir, 'plain-file');
  writeFileSync(file, 'x');
  assert.equal(
    await ioError(join(file, 'sub', 'report.html')),
    `cannot create the directory ${join(file, 'sub')}: ${file} is not a directory`,
  );
});

test('a symlink at the file is followed: the link stays and its target gets the content', async () => {
  const target = join(dir, 'targets', 'vulns.json');
  const link = join(dir, 'vulns-link.json');
  symlinkSync(target, link);
  await writeFileAtomic(link, 'first');
  await writeFileAtomic(link, 'second');
  assert.equal(readlinkSync(link), target);
  assert.equal(readFileSync(target, 'utf8'), 'second');
});

test('a symlink loop and a directory at the path are coded errors', async () => {
  const a = join(dir, 'loop-a');
  const b = join(dir, 'loop-b');
  symlinkSync(b, a);
  symlinkSync(a, b);
  assert.equal(await ioError(a), 'cannot write the file: more than 40 symlinks in a chain');
  const existing = join(dir, 'a-directory');
  mkdirSync(existing);
  assert.equal(await ioError(existing), 'cannot write the file: it is a directory');
});

test('a directory the filesystem refuses (procfs) is an IO_ERROR with the reason, not a busy loop', async () => {
  // Node's recursive mkdir spins at full CPU on this path.
  assert.equal(
    await ioError('/proc/sgci-out/report.json'),
    "cannot create the directory /proc/sgci-out: ENOENT: no such file or directory, mkdir '/proc/sgci-out'",
  );
});

test('writers creating the same new directories at once all succeed', async () => {
  // Each round, many files under one fresh deep directory: the writers race to make the same parents.
  for (let round = 0; round < 20; round++) {
    const base = join(dir, `race-${round}`, 'a', 'b', 'c');
    const names = Array.from({ length: 16 }, (_, i) => join(base, `f${i}`));
    await Promise.all(names.map((name, i) => writeFileAtomic(name, String(i))));
    assert.deepEqual(
      names.map((name) => readFileSync(name, 'utf8')),
      names.map((_, i) => String(i)),
    );
  }
});
