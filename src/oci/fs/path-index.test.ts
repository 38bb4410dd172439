import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PathIndex } from './path-index.ts';
import { isBelow, parentPath } from './paths.ts';

const name = fc.constantFrom('usr', 'bin', 'lib', 'a', 'b', 'a-b', '.wh.x', '\udc80', 'é', 'long-name-'.repeat(5));
const path = fc.array(name, { minLength: 0, maxLength: 5 }).map((parts) => `/${parts.join('/')}`);

test('PathIndex keeps a node per path with its ancestors, and finds exactly what it interned', () => {
  fc.assert(
    fc.property(fc.array(path, { maxLength: 300 }), fc.array(path, { maxLength: 50 }), (interned, probes) => {
      const index = new PathIndex();
      // the model: every interned path and its ancestors
      const model = new Set<string>();
      for (const p of interned) {
        const node = index.intern(p);
        assert.equal(index.path(node), p);
        for (let q = p; ; q = parentPath(q)) {
          model.add(q);
          if (q === '/') break;
        }
      }
      assert.equal(index.size, model.size);
      for (const p of [...interned, ...probes]) {
        const node = index.find(p);
        assert.equal(node >= 0, model.has(p), p);
        if (node < 0) continue;
        assert.equal(index.path(node), p);
        const below = [...index.below(node)].map((n) => index.path(n)).sort();
        assert.deepEqual(below, [...model].filter((q) => isBelow(q, p)).sort());
      }
    }),
  );
});

test('PathIndex grows its hash slots without losing a path', () => {
  const index = new PathIndex();
  const paths = Array.from({ length: 5000 }, (_, i) => `/d${i % 37}/f${i}`);
  for (const p of paths) index.intern(p);
  for (const p of paths) assert.equal(index.path(index.find(p)), p);
  assert.equal(index.find('/d1/f0'), -1);
  assert.equal(index.size, 5000 + 37 + 1);
});
