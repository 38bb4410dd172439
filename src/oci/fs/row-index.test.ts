import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PathIndex } from './path-index.ts';
import { NodeRows, RowList } from './row-index.ts';

test('NodeRows agrees with a Map from node to row, size included', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(70_000), fc.integer({ min: -1, max: 1000 })), { maxLength: 200 }), (ops) => {
      const paths = new PathIndex();
      for (let i = 0; i <= 70_000; i += 1) if (ops.some(([node]) => node >= i)) paths.intern(`/n${i}`);
      const rows = new NodeRows(paths);
      const model = new Map<number, number>();
      for (const [node, row] of ops) {
        const target = Math.min(node, paths.size - 1);
        rows.set(target, row);
        if (row < 0) model.delete(target);
        else model.set(target, row);
      }
      assert.equal(rows.size, model.size);
      for (const [node, row] of model) assert.equal(rows.rowAt(node), row);
      assert.equal(rows.rowAt(-1), -1);
      assert.deepEqual(
        [...rows.rows()].sort((a, b) => a - b),
        [...model.values()].sort((a, b) => a - b),
      );
    }),
    { numRuns: 20 },
  );
});

test('RowList agrees with an array under push and replace-the-last', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.nat(50), fc.tuple(fc.nat(50), fc.nat(50))), { maxLength: 400 }), (ops) => {
      const list = new RowList();
      const model: number[] = [];
      for (const op of ops) {
        if (typeof op === 'number') {
          list.push(op);
          model.push(op);
        } else {
          const [earlier, row] = op;
          list.replace(earlier, row);
          const at = model.lastIndexOf(earlier);
          if (at >= 0) model[at] = row;
        }
      }
      assert.equal(list.length, model.length);
      assert.deepEqual([...list], model);
    }),
  );
});
