import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { archiveNodes } from './unpack-archive.ts';

const work = mkdtempSync(join(tmpdir(), 'sgci-unpack-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A tar of `names` below `root`, as GNU tar writes it (with the umask and owner of whoever runs the test). */
function tarOf(root: string, names: string[], extra: string[] = []): Buffer {
  const out = join(work, `${names.join('-').replaceAll('/', '_')}.tar`);
  execFileSync('tar', ['-cf', out, '-C', root, ...extra, ...names]);
  return readFileSync(out);
}

test('an archive unpacks below its path: modes by the execute bit, owners from the build file, hardlinks copied', async () => {
  const root = join(work, 'app');
  mkdirSync(join(root, 'bin'), { recursive: true });
  writeFileSync(join(root, 'bin', 'run.js'), 'run');
  chmodSync(join(root, 'bin', 'run.js'), 0o700);
  writeFileSync(join(root, 'package.json'), '{}');
  chmodSync(join(root, 'package.json'), 0o600);
  linkSync(join(root, 'package.json'), join(root, 'same.json'));
  symlinkSync('bin/run.js', join(root, 'run'));
  const nodes = await archiveNodes(tarOf(root, ['.']), 'app.tar', '/opt/app', { uid: 0, gid: 0 }, 1_800_000_000);
  const byPath = new Map(nodes.map((n) => [n.path, n]));
  assert.equal(byPath.get('/opt/app')?.type, 'dir');
  assert.equal(byPath.get('/opt/app/bin/run.js')?.mode, 0o755);
  assert.equal(byPath.get('/opt/app/package.json')?.mode, 0o644);
  assert.equal(byPath.get('/opt/app/same.json')?.content?.toString(), '{}');
  assert.equal(byPath.get('/opt/app/run')?.linkTarget, 'bin/run.js');
  for (const node of nodes) {
    assert.equal(node.uid, 0, node.path);
    assert.equal(node.mtime, 1_800_000_000, node.path);
  }
});

test('an archive entry that leaves its directory, or a FIFO, is refused naming the archive and the entry', async () => {
  const root = join(work, 'hostile');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(work, 'outside'), 'x');
  const escaping = tarOf(root, ['../outside'], ['-P']);
  await assert.rejects(archiveNodes(escaping, 'hostile.tar', '/opt/app', { uid: 0, gid: 0 }, 0), (error) => {
    assert.ok(isSgciError(error) && error.code === 'ARCHIVE_INVALID', String(error));
    assert.match(error.message, /hostile\.tar.*\.\.\/outside: leaves/);
    return true;
  });
  execFileSync('mkfifo', [join(root, 'pipe')]);
  await assert.rejects(
    archiveNodes(tarOf(root, ['pipe']), 'fifo.tar', '/opt/app', { uid: 0, gid: 0 }, 0),
    /fifo\.tar.*pipe: fifo entries have no place in an image/,
  );
});
