import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { defaultLimits } from '../../core/index.ts';
import { makeElf } from '../testdata/elf.ts';
import { fileItem, memoryTree } from '../testdata/tree.ts';
import { rustCataloger } from './cataloger.ts';
import { parseCargoAuditable } from './parse-audit.ts';

const audit = {
  packages: [
    { name: 'myapp', version: '0.1.0', source: 'local', dependencies: [1, 2], root: true },
    { name: 'serde', version: '1.0.193', source: 'crates.io', dependencies: [] },
    { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
  ],
};
const binary = () => makeElf([{ name: '.dep-v0', data: deflateSync(Buffer.from(JSON.stringify(audit))) }]);

test('cargo-auditable .dep-v0: crates with kind, source and dependency indexes', () => {
  const crates = parseCargoAuditable(binary());
  assert.deepEqual(
    crates?.map((c) => [c.name, c.version, c.kind, c.root]),
    [
      ['myapp', '0.1.0', 'runtime', true],
      ['serde', '1.0.193', 'runtime', false],
      ['cc', '1.0.83', 'build', false],
    ],
  );
  assert.equal(parseCargoAuditable(makeElf([{ name: '.text', data: Buffer.alloc(16) }])), undefined);
});

test('Rust cataloger: runtime crates as cargo purls, build-only crates left out, edges kept', async () => {
  const item = fileItem('/usr/local/bin/myapp', binary(), 2, 0o755);
  const needs = rustCataloger.needs();
  await needs.visitors?.[0]?.visit(item.entry, item.content as Uint8Array, false);
  const out = await needs.catalog({ fs: memoryTree([item]), limits: defaultLimits });
  assert.deepEqual(out.packages.map((p) => p.purl).sort(), ['pkg:cargo/myapp@0.1.0', 'pkg:cargo/serde@1.0.193']);
  assert.equal(out.relationships.length, 1);
  assert.equal(out.packages.find((p) => p.name === 'myapp')?.type, 'application');
});

test('a corrupt .dep-v0 section becomes an unknown naming the file', async () => {
  const item = fileItem('/bin/bad', makeElf([{ name: '.dep-v0', data: Buffer.from('not zlib') }]), 0, 0o755);
  const needs = rustCataloger.needs();
  await needs.visitors?.[0]?.visit(item.entry, item.content as Uint8Array, false);
  const out = await needs.catalog({ fs: memoryTree([item]), limits: defaultLimits });
  assert.equal(out.packages.length, 0);
  assert.equal(out.unknowns[0]?.path, '/bin/bad');
});
