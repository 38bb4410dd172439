import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { FileEntry } from '../../oci/types.ts';
import { digestsInOrder } from '../testing.ts';
import { createDigestSink } from './file-digests.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function hash(d: ReturnType<typeof createDigestSink>, path: string, layer: number, content: string): void {
  const entry: FileEntry = { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: content.length, layer };
  const writer = d.sink.open(entry);
  assert.ok(writer);
  writer.write(new TextEncoder().encode(content));
  writer.end();
}

test('digests are found by layer and path, in layer order or interleaved, the later of equal paths winning', async () => {
  await using d = createDigestSink({ inThread: true });
  // layer 0's files come one after another, then layer 1 between two of layer 0's (slots no longer consecutive)
  hash(d, '/usr/bin/a', 0, 'a0');
  hash(d, '/usr/bin/b', 0, 'b0');
  hash(d, '/usr/bin/a', 1, 'a1');
  hash(d, '/usr/bin/c', 0, 'c0');
  hash(d, '/usr/bin/b', 0, 'b0 again');
  const { md5: lookup } = await d.result();
  assert.equal(lookup.get('0:/usr/bin/a'), md5('a0'));
  assert.equal(lookup.get('0:/usr/bin/b'), md5('b0 again'));
  assert.equal(lookup.get('0:/usr/bin/c'), md5('c0'));
  assert.equal(lookup.get('1:/usr/bin/a'), md5('a1'));
  assert.equal(lookup.get('1:/usr/bin/b'), undefined);
  assert.equal(lookup.get('2:/usr/bin/a'), undefined);
});

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

test('a file hashed without an algorithm is untaken for it, which an absent file never is', async () => {
  const { fileDigests } = await digestsInOrder(
    [
      { path: '/usr/bin/early', content: 'early' },
      { path: '/var/lib/dpkg/status', content: '' },
      { path: '/usr/bin/late', content: 'late' },
    ],
    false,
  );
  assert.equal(fileDigests.retake, undefined, 'nothing can be read again');
  assert.equal(fileDigests.sha256.get('0:/usr/bin/early'), sha256('early'), 'before any evidence: all three');
  assert.equal(fileDigests.md5.get('0:/usr/bin/late'), md5('late'));
  assert.equal(fileDigests.md5.untaken('0:/usr/bin/late'), false);
  for (const lookup of [fileDigests.sha1, fileDigests.sha256]) {
    assert.equal(lookup.get('0:/usr/bin/late'), undefined);
    assert.equal(lookup.untaken('0:/usr/bin/late'), true);
    assert.equal(lookup.untaken('0:/usr/bin/missing'), false);
    assert.equal(lookup.untaken('1:/usr/bin/late'), false);
  }
});

test('retake hashes only untaken files, from their layers only, the later of equal paths winning', async () => {
  const { fileDigests, rereads } = await digestsInOrder([
    { path: '/etc/debian_version', content: '12' },
    { path: '/usr/bin/a', content: 'first' },
    { path: '/usr/bin/a', content: 'second' },
    { path: '/usr/bin/b', content: 'b', layer: 1 },
    { path: '/usr/bin/c', content: 'c', layer: 2 },
  ]);
  const { retake } = fileDigests;
  assert.ok(retake);
  await retake([
    { key: '0:/usr/bin/a', algorithm: 'sha1' },
    { key: '2:/usr/bin/c', algorithm: 'sha256' },
    // taken in the pass, absent, or an algorithm sgci does not take: nothing to read for them
    { key: '1:/usr/bin/b', algorithm: 'md5' },
    { key: '1:/usr/bin/gone', algorithm: 'sha1' },
    { key: '1:/usr/bin/b', algorithm: 'sha512' },
  ]);
  assert.deepEqual(rereads, [[0, 2]]);
  assert.equal(fileDigests.sha1.get('0:/usr/bin/a'), sha1('second'));
  assert.equal(fileDigests.sha1.untaken('0:/usr/bin/a'), false);
  assert.equal(fileDigests.sha256.get('2:/usr/bin/c'), sha256('c'));
  assert.equal(fileDigests.sha256.untaken('0:/usr/bin/a'), true, 'what was not asked for stays untaken');
  // a later retake adds to the first's digests of a file
  await retake([{ key: '0:/usr/bin/a', algorithm: 'sha256' }]);
  assert.equal(fileDigests.sha256.get('0:/usr/bin/a'), sha256('second'));
  assert.equal(fileDigests.sha1.get('0:/usr/bin/a'), sha1('second'));
  assert.equal(fileDigests.md5.get('0:/usr/bin/a'), md5('second'));
  await retake([{ key: '0:/usr/bin/a', algorithm: 'sha1' }]);
  assert.equal(rereads.length, 2, 'nothing untaken is left to read for');
});
