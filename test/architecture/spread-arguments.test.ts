import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

/**
 * `f(...items)` passes every element as an argument on the call stack, which throws a RangeError past
 * ~125,000 elements: a 200,000-stanza dpkg status emptied the SBOM that way, and a padded md5sums turned a
 * SGCI-COMP-003 failure into "manual". Image content decides the length of most arrays, so src/ appends
 * and takes maxima in loops. The spreads listed here are over arrays whose length the code fixes.
 */
const bounded: readonly { file: string; code: string; why: string }[] = [
  { file: 'src/oci/source/dir.ts', code: 'Math.max(0, ...wants', why: 'one value per file visitor' },
  { file: 'src/oci/layer/tar-parser.ts', code: 'String.fromCharCode.apply', why: 'a field of one 512-byte tar header' },
  { file: 'src/report/table.ts', code: 'Math.max(...report.results', why: 'one result per check of the catalogue' },
  { file: 'src/cli/commands/inspect.ts', code: 'Math.max(...fields', why: 'the fixed fields of the inspect view' },
  {
    file: 'src/cli/commands/verify.ts',
    code: 'keys.push(...keysForRepository',
    why: "the policy's keys for one repository",
  },
  {
    file: 'src/attest/sign/sign-image.ts',
    code: 'writes.push(...(await bundleReferrer',
    why: 'the writes of one referrer',
  },
  { file: 'src/vuln/vex/read.ts', code: 'products.push(...uniqueSorted([', why: 'two identifiers of one product' },
];

const spread = /\.(?:push|unshift|splice)\(\s*\.\.\.|Math\.(?:max|min)\([^)]*\.\.\.|fromCharCode\(\s*\.\.\.|\.apply\(/;

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}

test('no function call spreads an array whose length the input decides', () => {
  const root = join(import.meta.dirname, '..', '..');
  const found: string[] = [];
  for (const path of sources(join(root, 'src'))) {
    const file = relative(root, path);
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!spread.test(line) || line.trim().startsWith('//')) return;
        if (bounded.some((b) => b.file === file && line.includes(b.code))) return;
        found.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(found, [], 'append in a loop (for … of … push) or reduce instead');
});
