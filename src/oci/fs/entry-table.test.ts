import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FileEntry } from '../types.ts';
import { EntryTable } from './entry-table.ts';
import { PathIndex } from './path-index.ts';

const entry: fc.Arbitrary<FileEntry> = fc
  .record(
    {
      path: fc.constantFrom('/', '/etc', '/etc/passwd', '/usr/bin/env', '/opt/\udc80x'),
      type: fc.constantFrom('file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'),
      mode: fc.integer({ min: 0, max: 0o7777 }),
      uid: fc.integer({ min: 0, max: 4294967294 }),
      gid: fc.integer({ min: 0, max: 4294967294 }),
      size: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.constant(2 ** 40 + 3)),
      linkTarget: fc.option(fc.constantFrom('../x', '/usr/bin/env', ''), { nil: undefined }),
      xattrs: fc.option(fc.constant({ 'security.capability': new Uint8Array([1, 0xff]) }), { nil: undefined }),
      mtime: fc.option(fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double({ noNaN: true })), {
        nil: undefined,
      }),
      layer: fc.integer({ min: 0, max: 500 }),
    },
    { requiredKeys: ['path', 'type', 'mode', 'uid', 'gid', 'size', 'layer', 'linkTarget', 'xattrs', 'mtime'] },
    // fast-check's records have no prototype; entries do
  )
  .map((e) => ({ ...e }));

test('EntryTable gives back every entry as it was added, across chunks', () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 40 }), fc.nat(40_000), (entries, skip) => {
      const table = new EntryTable(new PathIndex());
      // rows past the first chunk of each column
      for (let i = 0; i < skip; i++) table.add(table.paths.intern('/pad'), entries[0] ?? { ...fillerEntry });
      const rows = entries.map((e) => table.add(table.paths.intern(e.path), e));
      for (const [i, row] of rows.entries()) {
        const e = entries[i] as FileEntry;
        assert.deepStrictEqual(table.entry(row), e);
        assert.equal(table.path(row), e.path);
        assert.equal(table.node(row), table.paths.find(e.path));
        assert.equal(table.type(row), e.type);
        assert.equal(table.layer(row), e.layer);
        assert.equal(table.linkTarget(row), e.linkTarget);
      }
      assert.equal(table.rows, skip + entries.length);
    }),
    { numRuns: 30 },
  );
});

const fillerEntry: FileEntry = {
  path: '/pad',
  type: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  size: 1,
  xattrs: undefined,
  mtime: undefined,
  linkTarget: undefined,
  layer: 0,
};
