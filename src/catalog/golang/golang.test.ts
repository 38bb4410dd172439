import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { test } from 'node:test';
import { defaultLimits } from '../../core/index.ts';
import { elfBase, makeElf } from '../testdata/elf.ts';
import { elfWithUnalignedGoMagic } from '../testdata/hostile.ts';
import { fileItem, memoryTree } from '../testdata/tree.ts';
import { goCataloger } from './cataloger.ts';
import { type GoBuildInfo, type GoModule, parseGoBuildInfo } from './parse-buildinfo.ts';

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

/** `go version -m FILE` as sgci's GoBuildInfo fields. */
function goVersionM(file: string): string[] {
  const go = spawnSync('go', ['version', '-m', file], { encoding: 'utf8' });
  assert.equal(go.status, 0, `go is installed by scripts/setup.sh (golang-go): ${go.stderr}`);
  const [first = '', ...lines] = go.stdout.trimEnd().split('\n');
  return [`go ${first.slice(first.lastIndexOf(': ') + 2)}`, ...lines.map((l) => l.trim().replaceAll('\t', ' '))];
}

function ours(info: GoBuildInfo): string[] {
  const mod = (kind: string, m: GoModule) => [kind, m.path, m.version, ...(m.sum ? [m.sum] : [])].join(' ');
  return [
    `go ${info.goVersion}`,
    ...(info.path ? [`path ${info.path}`] : []),
    ...(info.main ? [mod('mod', info.main)] : []),
    ...info.deps.map((d) => mod('dep', d)),
    ...[...info.settings].map(([k, v]) => `build ${k}=${v}`),
  ];
}

// Debian builds its Go packages in GOPATH mode (no module); the Go toolchain's own binaries too
const realGoBinaries = ['/usr/bin/umoci', '/usr/bin/skopeo', realpathSync('/usr/bin/go')];

test('Go build info of real Go binaries as `go version -m` prints it', () => {
  for (const file of realGoBinaries) {
    const info = parseGoBuildInfo(readFileSync(file));
    assert.ok(info, file);
    // `=>` replacements are folded into the module they replace; none of these binaries has one
    assert.deepEqual(ours(info), goVersionM(file), file);
  }
});

test('a GOPATH-mode binary is named by its main package path, a toolchain binary only as stdlib', async () => {
  const catalog = async (path: string, bytes: Uint8Array) => {
    const item = fileItem(path, bytes, 0, 0o755);
    const needs = goCataloger.needs();
    await needs.visitors?.[0]?.visit(item.entry, bytes, false);
    return needs.catalog({ fs: memoryTree([item]), limits: defaultLimits });
  };
  const umoci = await catalog('/usr/bin/umoci', readFileSync('/usr/bin/umoci'));
  const go = goVersionM('/usr/bin/umoci')[0]?.slice('go go'.length);
  assert.deepEqual(
    umoci.packages.map((p) => [p.name, p.version, p.purl, p.type]),
    [
      [
        'github.com/opencontainers/umoci/cmd/umoci',
        '',
        'pkg:golang/github.com/opencontainers/umoci/cmd/umoci',
        'application',
      ],
      ['stdlib', go, `pkg:golang/stdlib@${go}`, 'library'],
    ],
  );
  assert.equal(umoci.relationships.length, 1);
  const toolchain = await catalog('/usr/lib/go/bin/go', readFileSync(realpathSync('/usr/bin/go')));
  assert.deepEqual(
    toolchain.packages.map((p) => p.name),
    ['stdlib'],
  );
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

test('a stripped ELF with the Go magic at every unaligned offset of 4 MiB is searched in linear time', {
  timeout: 20_000,
}, () => {
  assert.equal(parseGoBuildInfo(elfWithUnalignedGoMagic()), undefined);
});
