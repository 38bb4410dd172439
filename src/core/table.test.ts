import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTable } from './table.ts';

test('columns are as wide as their widest cell, for any number of rows', () => {
  assert.equal(
    renderTable(
      ['NAME', 'V'],
      [
        ['a', '1'],
        ['longer', '2'],
      ],
    ),
    'NAME    V\na       1\nlonger  2\n',
  );
  // 200,000 rows: a spread of the column into Math.max overflowed the call stack
  const rows = Array.from({ length: 200_000 }, (_, i) => [`p${i}`, '1']);
  assert.equal(renderTable(['NAME', 'VERSION'], rows).split('\n')[200_000], 'p199999  1');
});
