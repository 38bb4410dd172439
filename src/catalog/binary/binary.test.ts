import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { defaultLimits } from '../../core/index.ts';
import { makeElf } from '../testdata/elf.ts';
import { elfWithLongSectionNames } from '../testdata/hostile.ts';
import { fileItem, memoryTree } from '../testdata/tree.ts';
import { binaryCataloger } from './cataloger.ts';
import { classifierFor, classifiers, classify } from './classifiers.ts';
import { parseElf } from './elf.ts';

const pad = (s: string) => Buffer.concat([Buffer.alloc(300, 0x2e), Buffer.from(s, 'latin1'), Buffer.alloc(300, 0x2e)]);

const cases: [string, string, string][] = [
  ['/usr/local/bin/node', 'xx node.js/v20.11.1 xx', '20.11.1'],
  ['/usr/local/bin/python3.12', '\x003.12.1\x00\x003.1\x00', '3.12.1'],
  ['/opt/java/bin/java', '\x00java\x0017\x0017.0.9+9\x00', '17.0.9+9'],
  ['/usr/local/bin/openssl', 'OpenSSL 3.0.15 3 Sep 2024\x00', '3.0.15'],
  ['/usr/local/lib/libcrypto.so.1.1', 'OpenSSL 1.1.1w  11 Sep 2023', '1.1.1w'],
  ['/bin/busybox', 'BusyBox v1.36.1 (2023-11-06) multi-call binary', '1.36.1'],
];

for (const [path, content, version] of cases) {
  test(`classifier for ${path} reads version ${version}`, () => {
    const rule = classifierFor(path);
    assert.ok(rule, path);
    assert.equal(classify(rule, pad(content), path), version);
  });
}

test('no classifier for other names; no version from unrelated bytes', () => {
  assert.equal(classifierFor('/usr/bin/ls'), undefined);
  assert.equal(classifierFor('/usr/bin/nodex'), undefined);
  assert.equal(classifierFor('/usr/lib/libssl.so.3x'), undefined);
  // the names are tested in one alternation first, which holds only for patterns without flags
  for (const c of classifiers) assert.equal(c.fileName.flags, '', c.name);
  const rule = classifierFor('/bin/busybox');
  assert.ok(rule);
  assert.equal(classify(rule, pad('BusyBox is nice'), '/bin/busybox'), undefined);
});

for (const [path, pattern] of [
  ['/usr/bin/python3.11', /^3\.11\.\d+$/],
  ['/usr/bin/openssl', /^3\.\d+\.\d+$/],
] as const) {
  test(`classifier on this machine's real ${path}`, {
    skip: existsSync(path) ? false : `${path} not installed`,
  }, () => {
    const rule = classifierFor(path);
    assert.ok(rule);
    assert.match(classify(rule, readFileSync(realpathSync(path)), path) ?? '', pattern);
  });
}

test('binary cataloger: a hand-copied busybox becomes pkg:generic/busybox', async () => {
  const item = fileItem('/bin/busybox', pad('BusyBox v1.36.1 (2023-11-06)'), 1, 0o755);
  const needs = binaryCataloger.needs();
  const v = needs.visitors?.[0];
  assert.ok(v);
  assert.equal(v.wants(item.entry), item.entry.size);
  await v.visit(item.entry, item.content as Uint8Array, false);
  const out = await needs.catalog({ fs: memoryTree([item]), limits: defaultLimits });
  assert.deepEqual(
    out.packages.map((p) => [p.purl, p.ecosystem, p.type]),
    [['pkg:generic/busybox@1.36.1', 'binary', 'application']],
  );
});

test('ELF section names, offsets and sizes as binutils readelf reads them, on real executables', () => {
  const files = ['/bin/ls', '/usr/bin/age', process.execPath].filter((f) => existsSync(f));
  for (const file of files) {
    const readelf = spawnSync('readelf', ['-S', '-W', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(readelf.error, undefined, 'readelf is installed by scripts/setup.sh (binutils)');
    const want: string[] = [];
    for (const line of readelf.stdout.split('\n')) {
      // [Nr] Name Type Address Off Size …; section 0 has no name
      const m = /^\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(line);
      if (m && m[1] !== '0') want.push(`${m[2]} ${Number.parseInt(m[3] ?? '', 16)} ${Number.parseInt(m[4] ?? '', 16)}`);
    }
    const elf = parseElf(readFileSync(file));
    assert.ok(elf, file);
    // readelf shows SHT_NOBITS sizes (.bss) that take no file bytes; sgci reads them as 0
    const got = elf.sections.slice(1).map((s) => `${s.name} ${s.offset} ${s.size}`);
    assert.deepEqual(
      got,
      want.map((w, i) => (elf.sections[i + 1]?.type === 8 ? w.replace(/ \d+$/, ' 0') : w)),
      file,
    );
  }
});

test('section names read from a string table without a NUL stay short: 4096 sections, 4 MiB table', {
  timeout: 20_000,
}, () => {
  const elf = parseElf(elfWithLongSectionNames(4096, 4 * 1024 * 1024));
  assert.ok(elf);
  assert.equal(elf.sections.length, 4096);
  assert.ok(elf.sections.every((s) => s.name.length <= 1024));
  assert.equal(elf.section('.go.buildinfo'), undefined);
});

test('a section looked up by name is the first of the list with that name and bytes in the file', () => {
  // names that are prefixes of each other, a NUL-less end of the table, and non-ASCII names (UTF-8 in the table,
  // read back as latin1)
  const name = fc.constantFrom('.go', '.go.buildinfo', '.go.buildinfoX', '.dep-v0', '.dep', '', '.é', '.Ã©', 'x');
  fc.assert(
    fc.property(fc.array(fc.record({ name, size: fc.nat(40) }), { maxLength: 8 }), name, (sections, wanted) => {
      const bytes = makeElf(sections.map((s) => ({ name: s.name, data: new Uint8Array(s.size) })));
      const elf = parseElf(bytes);
      assert.ok(elf);
      const expected = elf.sections.find((s) => s.name === wanted && s.offset + s.size <= bytes.length);
      assert.deepEqual(elf.section(wanted), expected);
      assert.equal(elf.sectionCount, elf.sections.length);
    }),
    { numRuns: 300 },
  );
});
