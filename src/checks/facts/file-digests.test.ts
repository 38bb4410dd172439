import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { FileEntry } from '../../oci/types.ts';
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
