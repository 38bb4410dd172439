import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

const src = resolve(import.meta.dirname, '..', '..', 'src');

/** Which top-level folders of src/ each folder may import (besides itself). The pipeline reads top to bottom. */
const allowed: Record<string, readonly string[]> = {
  core: [],
  oci: ['core', 'secrets'],
  cache: ['core'],
  secrets: ['core', 'oci'],
  version: ['core'],
  catalog: ['core', 'oci', 'version'],
  sbom: ['core', 'oci', 'catalog'],
  store: ['core'],
  vuln: ['core', 'oci', 'catalog', 'sbom', 'version', 'store'],
  policy: ['core', 'oci'],
  attest: ['core', 'oci', 'cache', 'policy'],
  checks: ['core', 'oci', 'catalog', 'sbom', 'vuln', 'secrets', 'policy', 'attest', 'version'],
  report: ['core', 'oci', 'catalog', 'sbom', 'vuln', 'checks', 'policy', 'secrets'],
  scan: [
    'core',
    'oci',
    'cache',
    'catalog',
    'sbom',
    'vuln',
    'checks',
    'secrets',
    'policy',
    'report',
    'attest',
    'store',
    'version',
  ],
};

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'testdata') yield* sourceFiles(path);
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}

/**
 * Value imports only: `import type` erases at run time, so a folder may name the result types of the folder that
 * consumes it (catalog produces the `Sbom` that sbom/ defines; store keeps the `VexStatement` that vuln/ defines).
 */
const importPattern =
  /(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('each src/ folder imports only the folders below it in the pipeline', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(src)) {
    const folder = relative(src, file).split(sep)[0] ?? '';
    if (folder === 'cli' || folder === 'server' || folder === 'jobs') continue; // composition roots
    const may = allowed[folder];
    assert.ok(may, `src/${folder} has no layering rule: add it to test/architecture/layers.test.ts`);
    for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (!specifier.startsWith('.')) continue;
      const target = relative(src, resolve(dirname(file), specifier)).split(sep)[0] ?? '';
      if (target !== folder && !may.includes(target)) violations.push(`${relative(src, file)} imports ${target}/`);
    }
  }
  assert.deepEqual(violations, []);
});
