import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkDocsDir, generatedCheckDocs, writeCheckDocs } from './docs.ts';

test('docs/checks is what the registry generates (refresh: node src/checks/docs.ts)', async () => {
  if (process.env.UPDATE_GOLDEN === '1') await writeCheckDocs();
  const expected = generatedCheckDocs();
  const present = readdirSync(checkDocsDir)
    .filter((n) => n.endsWith('.md'))
    .sort();
  assert.deepEqual(present, [...expected.keys()].sort());
  for (const [name, text] of expected)
    assert.equal(readFileSync(join(checkDocsDir, name), 'utf8'), text, `${name} is stale`);
});
