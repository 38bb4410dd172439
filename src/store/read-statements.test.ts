import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileReadStatements } from './compile-reads.ts';

const file = new URL('./read-statements.json', import.meta.url);

test('read-statements.json is the SQLite compilation of readQueries (UPDATE_GOLDEN=1 rewrites it)', () => {
  const generated = `${JSON.stringify(compileReadStatements(), null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, generated);
  assert.equal(readFileSync(file, 'utf8'), generated);
});

test('a compiled read names its parameters and keeps the values its definition fixes', () => {
  const { statements, migrations } = compileReadStatements();
  assert.deepEqual(statements.packagesByName.parameters, [{ name: 'ecosystem' }, { name: 'list' }]);
  assert.match(statements.packagesByName.sql, /"name" in \(\?\)/);
  assert.deepEqual(statements.recentImports.parameters, [{ value: 10 }]);
  assert.equal(migrations[0], '0001-advisories');
});
