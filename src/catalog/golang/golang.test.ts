import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { defaultLimits } from '../../core/index.ts';
import { elfBase, makeElf } from '../testdata/elf.ts';
import { fileItem, memoryTree } from '../testdata/tree.ts';
import { goCataloger } from './cataloger.ts';
import { parseGoBuildInfo } from './parse-buildinfo.ts';

const magic = Buffer.concat([Buffer.from([0xff]), Buffer.from(' Go buildinf:', 'latin1')]);
const sentinelStart = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const sentinelEnd = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const modinfo = Buffer.concat([
  sentinelStart,
  Buffer.from(
    'path\texample.com/app/cmd/app\nmod\texample.com/app\tv1.2.3\th1:abc=\n' +
      'dep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\n' +
      'dep\tgolang.org/x/text\tv0.3.0\th1:y=\n=>\tgolang.org/x/text\tv0.3.8\th1:z=\n' +
      'build\t-compiler=gc\nbuild\tGOOS=linux\nbuild\tGOARCH=amd64\n',
  ),
  sentinelEnd,
]);

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

/** Go >= 1.18 layout: flags bit 2, varint-prefixed version and module strings after the header. */
function newFormat(version: string): Uint8Array {
  const header = Buffer.alloc(32);
  magic.copy(header);
  header[14] = 8;
  header[15] = 2;
  return makeElf([
    {
      name: '.go.buildinfo',
      data: Buffer.concat([header, varint(version.length), Buffer.from(version), varint(modinfo.length), modinfo]),
    },
  ]);
}

/** Go < 1.18 layout: two pointers to Go string headers {data, len}, resolved through PT_LOAD. */
function oldFormat(version: string): Uint8Array {
  // section layout: header(32) | strhdr version(16) | strhdr mod(16) | version bytes | mod bytes
  const sectionOffset = 128; // makeElf places the first section after the ELF and program headers, 16-aligned
  const base = elfBase + sectionOffset;
  const header = Buffer.alloc(32);
  magic.copy(header);
  header[14] = 8;
  header[15] = 0;
  header.writeBigUInt64LE(BigInt(base + 32), 16);
  header.writeBigUInt64LE(BigInt(base + 48), 24);
  const strhdrs = Buffer.alloc(32);
  strhdrs.writeBigUInt64LE(BigInt(base + 64), 0);
  strhdrs.writeBigUInt64LE(BigInt(version.length), 8);
  strhdrs.writeBigUInt64LE(BigInt(base + 64 + version.length), 16);
  strhdrs.writeBigUInt64LE(BigInt(modinfo.length), 24);
  return makeElf([{ name: '.go.buildinfo', data: Buffer.concat([header, strhdrs, Buffer.from(version), modinfo]) }]);
}

for (const [layout, build] of [
  ['new (varint strings)', newFormat],
  ['old (pointers)', oldFormat],
] as const) {
  test(`Go build info, ${layout}: Go version, main module, dependencies with replacements`, () => {
    const info = parseGoBuildInfo(build('go1.21.5'));
    assert.ok(info);
    assert.equal(info.goVersion, 'go1.21.5');
    assert.equal(info.path, 'example.com/app/cmd/app');
    assert.deepEqual(info.main, { path: 'example.com/app', version: 'v1.2.3', sum: 'h1:abc=' });
    assert.deepEqual(
      info.deps.map((d) => `${d.path}@${d.version}`),
      ['github.com/pkg/errors@v0.9.1', 'golang.org/x/text@v0.3.8'],
    );
    assert.equal(info.settings.get('GOARCH'), 'amd64');
  });
}

test('Go cataloger: purls for main module, dependencies and stdlib; non-Go ELF ignored', async () => {
  const go = fileItem('/usr/local/bin/app', newFormat('go1.21.5'), 1, 0o755);
  const c = fileItem('/usr/bin/c-tool', makeElf([{ name: '.text', data: Buffer.alloc(128) }]), 0, 0o755);
  const needs = goCataloger.needs();
  const visitor = needs.visitors?.[0];
  assert.ok(visitor);
  for (const item of [go, c]) {
    const n = visitor.wants(item.entry);
    assert.equal(n, item.entry.size);
    await visitor.visit(item.entry, (item.content as Uint8Array).subarray(0, n), false);
  }
  const out = await needs.catalog({ fs: memoryTree([go, c]), limits: defaultLimits });
  assert.deepEqual(out.packages.map((p) => p.purl).sort(), [
    'pkg:golang/example.com/app@v1.2.3',
    'pkg:golang/github.com/pkg/errors@v0.9.1',
    'pkg:golang/golang.org/x/text@v0.3.8',
    'pkg:golang/stdlib@1.21.5',
  ]);
  assert.equal(out.relationships.length, 3);
  assert.equal(visitor.wants({ ...go.entry, mode: 0o644 }), undefined, 'not executable: not read');
});

test('Go build info of a real Debian-built Go binary on this machine', {
  skip: existsSync('/usr/bin/umoci') ? false : '/usr/bin/umoci not installed',
}, () => {
  const info = parseGoBuildInfo(readFileSync('/usr/bin/umoci'));
  assert.ok(info);
  assert.match(info.goVersion, /^go1\.\d+/);
  assert.equal(info.path, 'github.com/opencontainers/umoci/cmd/umoci');
});

test('hostile input: truncated and garbage ELF yield no build info, no exception', () => {
  const full = newFormat('go1.21.5');
  for (const cut of [10, 64, 200, full.length - 40]) assert.doesNotThrow(() => parseGoBuildInfo(full.subarray(0, cut)));
  assert.equal(
    parseGoBuildInfo(Buffer.from('\x7fELF garbage garbage garbage garbage garbage garbage garbage')),
    undefined,
  );
});

test('a Go binary whose section headers were stripped is found by its aligned magic', () => {
  const elf = Buffer.from(newFormat('go1.22.1'));
  // e_shnum = 0: as `sstrip` or a packer leaves a binary.
  elf.writeUInt16LE(0, 0x3c);
  assert.equal(parseGoBuildInfo(elf)?.goVersion, 'go1.22.1');
});

test('an ELF with a section table but no .go.buildinfo is no Go binary, whatever bytes it carries', () => {
  const header = Buffer.alloc(32);
  magic.copy(header);
  header[14] = 8;
  header[15] = 2;
  const lookalike = makeElf([
    { name: '.rodata', data: Buffer.concat([header, varint(8), Buffer.from('go1.22.1'), varint(0)]) },
  ]);
  assert.equal(parseGoBuildInfo(lookalike), undefined);
});
