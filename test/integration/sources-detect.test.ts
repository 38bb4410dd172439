import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isSgciError } from '../../src/core/index.ts';
import { openImage, withDetectedTransport } from '../../src/oci/source/index.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';

const skip = fixturesMissing();
const work = mkdtempSync(join(tmpdir(), 'sgci-detect-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('a path without a transport is read as what its content shows, as Syft detects it', { skip }, async () => {
  const { ociArchive, dockerArchive } = fixture('distroless-static');
  assert.equal(await withDetectedTransport(ociArchive), `oci-archive:${ociArchive}`);
  assert.equal(await withDetectedTransport(dockerArchive), `docker-archive:${dockerArchive}`);
  const layout = join(work, 'layout');
  mkdirSync(layout);
  execFileSync('tar', ['-xf', ociArchive, '-C', layout]);
  assert.equal(await withDetectedTransport(layout), `oci-dir:${layout}`);
  const rootfs = join(work, 'rootfs');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  assert.equal(await withDetectedTransport(rootfs), `dir:${rootfs}`);
  // the same image whichever way it was named
  await using typed = await openImage(`oci-archive:${ociArchive}`);
  await using bare = await openImage(ociArchive);
  await using fromLayout = await openImage(layout);
  assert.equal(bare.digest, typed.digest);
  assert.equal(fromLayout.digest, typed.digest);
});

test('names, explicit transports and missing paths are left as typed; a tar that is no image says so', async () => {
  assert.equal(await withDetectedTransport('alpine:3.20'), 'alpine:3.20');
  assert.equal(await withDetectedTransport('dir:/nonexistent'), 'dir:/nonexistent');
  assert.equal(await withDetectedTransport(join(work, 'missing.tar')), join(work, 'missing.tar'));
  const plain = join(work, 'plain.tar');
  writeFileSync(join(work, 'a.txt'), 'x');
  execFileSync('tar', ['-cf', plain, '-C', work, 'a.txt']);
  await assert.rejects(withDetectedTransport(plain), (error) => isSgciError(error, 'REFERENCE_INVALID'));
});
