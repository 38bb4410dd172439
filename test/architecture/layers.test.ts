import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sourceURL } from '../../src/cli/source-resolve.ts';

const src = resolve(import.meta.dirname, '..', '..', 'src');

/**
 * Which top-level folders of src/ each folder imports (besides itself), type imports included: exactly these, no
 * more and no fewer (an edge nobody uses is removed here). The pipeline reads top to bottom; `cli` is the
 * composition root and may import any folder.
 */
const allowed: Record<string, readonly string[]> = {
  core: [],
  oci: ['core'],
  cache: ['core'],
  secrets: ['core', 'oci'],
  version: [],
  catalog: ['core', 'oci'],
  sbom: ['core', 'catalog'],
  policy: ['core'],
  vuln: ['core', 'catalog', 'sbom', 'version', 'policy'],
  store: ['core', 'vuln'],
  attest: ['core', 'oci', 'policy'],
  checks: ['core', 'oci', 'catalog', 'sbom', 'vuln', 'secrets', 'policy', 'attest'],
  report: ['core', 'oci', 'checks', 'vuln'],
  scan: ['core', 'oci', 'catalog', 'vuln', 'checks', 'secrets', 'policy', 'report', 'attest', 'store'],
  // build: the Debian index the monitor observes is verified by the builder's chain (InRelease signature, Release, sizes)
  monitor: ['core', 'oci', 'catalog', 'policy', 'vuln', 'checks', 'attest', 'scan', 'store', 'build'],
  catalogue: ['core', 'oci', 'sbom', 'policy', 'vuln', 'checks', 'report', 'attest', 'scan', 'store', 'monitor'],
  build: ['core', 'oci', 'cache', 'version', 'catalog', 'sbom', 'policy', 'scan', 'attest', 'report'],
  server: [
    'core',
    'oci',
    'cache',
    'sbom',
    'policy',
    'vuln',
    'store',
    'attest',
    'checks',
    'report',
    'catalogue',
    'monitor',
    'scan',
  ],
};

/** Test support beside the code (`testing.ts`, `*-testing.ts`) builds fixtures from any layer, as tests do. */
function isTestSupport(name: string): boolean {
  return name.endsWith('.test.ts') || name === 'testing.ts' || name.endsWith('-testing.ts');
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'testdata') yield* sourceFiles(path);
    else if (entry.isFile() && entry.name.endsWith('.ts') && !isTestSupport(entry.name)) yield path;
  }
}

/** Every static, type-only and dynamic import or re-export of a relative module. */
const importPattern =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

interface Import {
  readonly file: string;
  readonly specifier: string;
  readonly folder: string;
  readonly target: string;
  readonly targetFolder: string;
}

function imports(): Import[] {
  const out: Import[] = [];
  for (const file of sourceFiles(src)) {
    const folder = relative(src, file).split(sep)[0] ?? '';
    for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const specifier = match[1] ?? match[2] ?? '';
      const target = resolve(dirname(file), specifier);
      out.push({
        file: relative(src, file),
        specifier,
        folder,
        target,
        targetFolder: relative(src, target).split(sep)[0] ?? '',
      });
    }
  }
  return out;
}

const all = imports();

test('each src/ folder imports exactly the folders its layering rule names, type imports included', () => {
  const used = new Map<string, Set<string>>();
  const violations: string[] = [];
  for (const i of all) {
    if (i.folder === 'cli' || i.targetFolder === i.folder) continue;
    const may = allowed[i.folder];
    assert.ok(may, `src/${i.folder} has no layering rule: add it to test/architecture/layers.test.ts`);
    if (!may.includes(i.targetFolder)) violations.push(`${i.file} imports ${i.targetFolder}/`);
    if (!used.has(i.folder)) used.set(i.folder, new Set());
    used.get(i.folder)?.add(i.targetFolder);
  }
  assert.deepEqual(violations, []);
  const unused = Object.entries(allowed).flatMap(([folder, targets]) =>
    targets.filter((t) => !used.get(folder)?.has(t)).map((t) => `${folder} -> ${t}`),
  );
  assert.deepEqual(unused, [], 'allowed edges that no import uses: remove them from the rule');
});

test('an import into another folder goes through an index.ts of that folder', () => {
  const bypassing = all
    .filter((i) => i.targetFolder !== i.folder && basename(i.target) !== 'index.ts')
    .map((i) => `${i.file} -> ${relative(src, i.target)}`);
  assert.deepEqual(bypassing, []);
});

test('cli/ commands never import each other; the shared flags live in cli/ modules', () => {
  const crossing = all
    .filter((i) => i.file.startsWith(`cli${sep}commands${sep}`) && basename(i.file) !== 'index.ts')
    .filter((i) => relative(src, dirname(i.target)) === join('cli', 'commands'))
    .map((i) => `${i.file} -> ${relative(src, i.target)}`);
  assert.deepEqual(crossing, []);
  const intoCommands = all
    .filter((i) => i.folder === 'cli' && !i.file.startsWith(`cli${sep}commands${sep}`))
    .filter((i) => relative(src, i.target).startsWith(`cli${sep}commands${sep}`) && basename(i.target) !== 'index.ts')
    .map((i) => `${i.file} -> ${relative(src, i.target)}`);
  assert.deepEqual(intoCommands, []);
});

test('bin/sgci.js resolves every relative import of a source directly, to the file Node would resolve', () => {
  const sources = pathToFileURL(`${src}${sep}`).href;
  assert.equal(JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')).type, 'module', 'sources are ESM');
  const differing: string[] = [];
  for (const i of all) {
    const importer = join(src, i.file);
    const direct = sourceURL(i.specifier, pathToFileURL(importer).href, sources);
    // Node's resolution of a relative specifier: the file once stat and realpath have confirmed it (throws if none)
    const node = createRequire(importer).resolve(i.specifier);
    // a module of another kind (JSON) goes through Node's resolver, whose format it needs
    const expected = i.specifier.endsWith('.ts') ? node : undefined;
    if ((direct && fileURLToPath(direct)) !== expected) differing.push(`${i.file}: ${i.specifier} -> ${direct}`);
  }
  assert.ok(all.length > 500, 'the imports were found');
  assert.deepEqual(differing, []);
});
