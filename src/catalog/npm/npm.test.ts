import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { deepNodeModules } from '../testdata/hostile.ts';
import { fileItem, memoryTree, type TreeItem } from '../testdata/tree.ts';
import { npmCataloger } from './cataloger.ts';
import { parsePackageJson } from './parse-package-json.ts';

const dir = join(corpusDir(), 'packages', 'npm', 'syft-package-json');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))) {
  test(`package.json ${file}: name, version, licenses as syft expects`, () => {
    const expected = JSON.parse(readFileSync(join(dir, `${file}.expected.json`), 'utf8'));
    const got = parsePackageJson(readFileSync(join(dir, file), 'utf8'));
    const want = expected.packages[0];
    assert.ok(got);
    assert.equal(got.name, want.Name);
    assert.equal(got.version, want.Version);
    if (file === 'package-malformed-license.json') {
      // syft drops `licenses: ["MIT"]` as malformed; the intent is unambiguous, so we keep it
      assert.deepEqual(got.licenses, ['MIT']);
    } else {
      assert.deepEqual(got.licenses, want.Licenses ?? []);
    }
  });
}

test('npm cataloger: installed packages only, scoped purls, dependencies resolved the way node does', async () => {
  const pj = (name: string, version: string, deps: Record<string, string> = {}) =>
    JSON.stringify({ name, version, license: 'MIT', dependencies: deps });
  const fs = memoryTree([
    fileItem('/app/package.json', pj('app', '1.0.0', { a: '1' })),
    fileItem('/app/node_modules/a/package.json', pj('a', '1.0.0', { b: '2', '@s/c': '1' })),
    fileItem('/app/node_modules/a/node_modules/b/package.json', pj('b', '2.0.0')),
    fileItem('/app/node_modules/b/package.json', pj('b', '1.0.0')),
    fileItem('/app/node_modules/@s/c/package.json', pj('@s/c', '1.0.0', { b: '1' })),
    fileItem('/app/node_modules/a/test/fixture/package.json', pj('not-a-package', '0.0.0')),
    fileItem('/usr/share/nodejs/xtend/package.json', pj('xtend', '4.0.2')),
  ]);
  const out = await npmCataloger.needs().catalog({ fs, limits: defaultLimits });
  assert.deepEqual(out.packages.map((p) => p.purl).sort(), [
    'pkg:npm/%40s/c@1.0.0',
    'pkg:npm/a@1.0.0',
    'pkg:npm/b@1.0.0',
    'pkg:npm/b@2.0.0',
    'pkg:npm/xtend@4.0.2',
  ]);
  const purlOf = new Map(out.packages.map((p) => [p.id, p.purl]));
  const edges = out.relationships.map((r) => `${purlOf.get(r.from)} -> ${purlOf.get(r.to)}`).sort();
  assert.deepEqual(edges, [
    'pkg:npm/%40s/c@1.0.0 -> pkg:npm/b@1.0.0',
    'pkg:npm/a@1.0.0 -> pkg:npm/%40s/c@1.0.0',
    'pkg:npm/a@1.0.0 -> pkg:npm/b@2.0.0',
  ]);
});

test('dependencies resolve to the directory Node itself resolves them to, on generated trees', async () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >>> 16) % n;
  };
  const names = ['sgci-t-a', 'sgci-t-b', 'sgci-t-c', 'sgci-t-d', '@sgci-t/e', '@sgci-t/f'];
  const root = mkdtempSync(join(tmpdir(), 'sgci-npm-'));
  try {
    const items: TreeItem[] = [];
    const dirs: string[] = [];
    const add = (dir: string, name: string, depth: number) => {
      const deps = Object.fromEntries(Array.from({ length: 1 + random(3) }, () => [names[random(names.length)], '*']));
      const json = JSON.stringify({ name, version: `${depth}.${dirs.length}.0`, dependencies: deps });
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, 'package.json'), json);
      items.push(fileItem(`${dir}/package.json`, json));
      dirs.push(dir);
      if (depth < 4)
        for (let i = depth === 0 ? names.length : random(4); i > 0; i--) {
          const child = names[random(names.length)] as string;
          if (!dirs.includes(`${dir}/node_modules/${child}`)) add(`${dir}/node_modules/${child}`, child, depth + 1);
        }
    };
    add('/app', 'app', 0);
    const result = await npmCataloger.needs().catalog({ fs: memoryTree(items), limits: defaultLimits });
    {
      const dirOf = new Map(result.packages.map((p) => [p.id, p.locations[0]?.path.slice(0, -'/package.json'.length)]));
      const ours = new Set(result.relationships.map((r) => `${dirOf.get(r.from)} -> ${dirOf.get(r.to)}`));
      const node = new Set<string>();
      // /app is the project itself: its package.json is no installed package
      for (const dir of dirs.filter((d) => d !== '/app')) {
        const json = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
        const require = createRequire(join(root, dir, 'package.json'));
        for (const dep of Object.keys(json.dependencies)) {
          let resolved: string;
          try {
            resolved = require.resolve(`${dep}/package.json`);
          } catch {
            continue;
          }
          const to = resolved.slice(root.length, -'/package.json'.length);
          if (to !== dir) node.add(`${dir} -> ${to}`);
        }
      }
      assert.ok(node.size > 20, `a tree with some resolutions (${node.size})`);
      assert.deepEqual([...ours].sort(), [...node].sort());
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('250 node_modules deep with 100000 dependencies resolves in seconds', { timeout: 30_000 }, async () => {
  const fs = memoryTree(deepNodeModules(250, 100_000).map((f) => fileItem(f.path, f.content)));
  const out = await npmCataloger.needs().catalog({ fs, limits: defaultLimits });
  // /app/package.json is the project, not an installed package
  assert.equal(out.packages.length, 250 + 10_000);
  assert.equal(out.relationships.length, 249 + 10_000);
});
