import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { paragraphs } from './deb822.ts';

const text = [
  'Package: a',
  'MULTI-ARCH: same',
  'Description: first line',
  ' second line',
  'SHA256: 00',
  '',
  '# a comment',
  'package: b\r',
  'Multi-Arch: foreign\r',
  ' \t',
  'Package: c',
  '',
].join('\n');

test('paragraphs: names in any case, continuation lines, CRLF, comments, blank-with-spaces lines', () => {
  const all = [...paragraphs(text, 'Packages')].map((p) => Object.fromEntries(p));
  assert.deepEqual(all, [
    { package: 'a', 'multi-arch': 'same', description: 'first line\nsecond line', sha256: '00' },
    { package: 'b', 'multi-arch': 'foreign' },
    { package: 'c' },
  ]);
  const kept = [...paragraphs(text, 'Packages', new Set(['package', 'multi-arch', 'sha256']))].map((p) =>
    Object.fromEntries(p),
  );
  assert.deepEqual(kept, [
    { package: 'a', 'multi-arch': 'same', sha256: '00' },
    { package: 'b', 'multi-arch': 'foreign' },
    { package: 'c' },
  ]);
});

test('paragraphs: a line that is no field, or a continuation with no field, names the line', () => {
  assert.throws(
    () => [...paragraphs('Package: a\nno colon here\n', 'Packages')],
    (e: unknown) =>
      isSgciError(e, 'REPOSITORY_INVALID') && /Packages: line 2: not a "Field: value" line/.test(e.message),
  );
  assert.throws(() => [...paragraphs(' orphan\n', 'Release')], /line 1: continuation line without a field/);
});
