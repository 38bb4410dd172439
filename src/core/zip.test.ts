import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../test/helpers/fixtures.ts';
import { aliasedZip, makeZip, overlappingZip, storedZip } from '../../test/helpers/zip.ts';
import { openZip, ZipBudget } from './zip.ts';

test('reads the real jars of the corpus, nested jars included', () => {
  const jar = readFileSync(join(corpusDir(), 'packages', 'java', 'trivy-jar', 'nested.jar'));
  const zip = openZip(jar, 'nested.jar');
  const props = zip.get('META-INF/nested/pom.properties');
  assert.ok(props);
  assert.match(new TextDecoder().decode(zip.read(props)), /artifactId=nested/);
  const inner = zip.get('META-INF/jars/nested2.jar');
  assert.ok(inner);
  const nested = openZip(zip.read(inner), 'nested.jar!nested2.jar');
  assert.ok(nested.entries.length > 0);
});

test('stored and deflated entries round-trip with their CRC checked', () => {
  const data = new TextEncoder().encode('hello zip '.repeat(100));
  const zip = openZip(
    makeZip([
      { name: 'a.txt', data },
      { name: 'b.txt', data, method: 0 },
    ]),
    't.zip',
  );
  for (const e of zip.entries) assert.deepEqual(Buffer.from(zip.read(e)), Buffer.from(data));
});

test('a zip bomb is refused by the ratio limit before inflating', () => {
  const zeros = new Uint8Array(20 * 1024 * 1024);
  const zip = openZip(makeZip([{ name: 'bomb', data: zeros }]), 'bomb.zip');
  const entry = zip.entries[0];
  assert.ok(entry);
  assert.throws(() => zip.read(entry), { code: 'LIMIT_EXCEEDED', message: /bomb\.zip!bomb: compression ratio/ });
});

test('an entry that inflates past its declared size is refused, never truncated silently', () => {
  const data = new Uint8Array(4096).fill(65);
  const zip = openZip(makeZip([{ name: 'liar', data, declaredSize: 100 }]), 'liar.zip');
  assert.throws(() => zip.read(zip.entries[0] as never), { code: 'ARCHIVE_INVALID' });
});

test('CRC mismatch, truncation, too many entries and per-entry size are errors naming the input', () => {
  const data = new TextEncoder().encode('x');
  const bad = openZip(makeZip([{ name: 'c', data, crc: 1 }]), 'crc.zip');
  assert.throws(() => bad.read(bad.entries[0] as never), { code: 'ARCHIVE_INVALID', message: /CRC-32/ });
  const whole = makeZip([{ name: 'c', data }]);
  assert.throws(() => openZip(whole.subarray(0, whole.length - 5), 'cut.zip'), { code: 'ARCHIVE_INVALID' });
  assert.throws(() => openZip(new Uint8Array(100), 'zeros.zip'), { code: 'ARCHIVE_INVALID', message: /^zeros\.zip: / });
  const many = makeZip([
    { name: 'a', data },
    { name: 'b', data },
    { name: 'c', data },
  ]);
  assert.throws(() => openZip(many, 'many.zip', { maxEntries: 2 }), { code: 'LIMIT_EXCEEDED' });
  const big = openZip(makeZip([{ name: 'big', data: new Uint8Array(1000) }]), 'big.zip', { maxEntryBytes: 10 });
  assert.throws(() => big.read(big.entries[0] as never), { code: 'LIMIT_EXCEEDED' });
});

const text = (s: string) => new TextEncoder().encode(s);

test('records that point at one local header are one entry, read once', () => {
  const names = Array.from({ length: 60_000 }, (_, i) => `lib/a${i}.jar`);
  const zip = openZip(aliasedZip({ data: text('payload') }, names), 'aliased.zip');
  assert.deepEqual(
    zip.entries.map((e) => e.name),
    ['lib/a0.jar'],
  );
  assert.equal(zip.get('lib/a1.jar'), undefined);
});

test('overlapping entries refuse the archive: the quoted-header bomb and an entry running into the directory', () => {
  const names = Array.from({ length: 50 }, (_, i) => `o${i}.txt`);
  const bomb = overlappingZip(names, new Uint8Array(64 * 1024));
  assert.throws(() => openZip(bomb, 'fifield.zip'), {
    code: 'ARCHIVE_INVALID',
    message: /^fifield\.zip: entry "o0\.txt" overlaps another entry \(zip bomb\?\)$/,
  });
  // one entry whose declared compressed size reaches into the central directory
  const one = Buffer.from(storedZip([{ name: 'a', data: text('abc') }]));
  const cd = one.readUInt32LE(one.length - 6);
  one.writeUInt32LE(10, cd + 20);
  assert.throws(() => openZip(one, 'long.zip'), { code: 'ARCHIVE_INVALID', message: /overlaps the central directory/ });
});

test('the ratio check covers small entries too: 64 KiB of one byte is refused, 4 KiB is read', () => {
  const zip = openZip(
    makeZip([
      { name: 'small', data: new Uint8Array(4096) },
      { name: 'medium', data: new Uint8Array(64 * 1024) },
    ]),
    'ratio.zip',
  );
  assert.equal(zip.read(zip.get('small') as never).length, 4096);
  assert.throws(() => zip.read(zip.get('medium') as never), {
    code: 'LIMIT_EXCEEDED',
    message: /ratio\.zip!medium: compression ratio beyond 200:1/,
  });
});

test('one budget for an archive tree: nested readers share its bytes, records and archive count', () => {
  const inner = makeZip([{ name: 'data', data: new Uint8Array(3000).fill(7) }]);
  const outer = storedZip([
    { name: 'one.zip', data: inner },
    { name: 'two.zip', data: inner },
  ]);
  const bytesBudget = new ZipBudget({ maxTotalBytes: 2 * inner.length + 4000 });
  const zip = openZip(outer, 'outer.zip', bytesBudget);
  const first = openZip(zip.read(zip.get('one.zip') as never), 'outer.zip!one.zip', bytesBudget);
  first.read(first.entries[0] as never);
  const second = openZip(zip.read(zip.get('two.zip') as never), 'outer.zip!two.zip', bytesBudget);
  assert.throws(() => second.read(second.entries[0] as never), {
    code: 'LIMIT_EXCEEDED',
    message: /^outer\.zip!two\.zip!data: archive content beyond the limit of \d+ bytes per archive tree$/,
  });

  const archives = new ZipBudget({ maxArchives: 2 });
  const z = openZip(outer, 'outer.zip', archives);
  openZip(z.read(z.get('one.zip') as never), 'outer.zip!one.zip', archives);
  assert.throws(() => openZip(z.read(z.get('two.zip') as never), 'outer.zip!two.zip', archives), {
    code: 'LIMIT_EXCEEDED',
    message: /more than 2 archives in one archive tree/,
  });

  const records = new ZipBudget({ maxEntries: 3 });
  const r = openZip(outer, 'outer.zip', records);
  openZip(r.read(r.get('one.zip') as never), 'outer.zip!one.zip', records);
  assert.throws(() => openZip(r.read(r.get('two.zip') as never), 'outer.zip!two.zip', records), {
    code: 'LIMIT_EXCEEDED',
    message: /1 zip entries exceed the limit of 3 per archive tree/,
  });
});

test('a record count the central directory cannot hold is refused before it is charged', () => {
  const zip = Buffer.from(storedZip([{ name: 'a', data: text('x') }]));
  zip.writeUInt16LE(0xffff, zip.length - 12);
  assert.throws(() => openZip(zip, 'count.zip'), { code: 'ARCHIVE_INVALID', message: /cannot hold 65535 records/ });
});

test('Info-ZIP unzip and this reader agree on which archives overlap (unzip 6.0 refuses them too)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-zip-'));
  try {
    const cases: [string, Uint8Array][] = [
      [
        'fine.zip',
        makeZip([
          { name: 'a.json', data: text(JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ id: i })))) },
          { name: 'b', data: text('b') },
        ]),
      ],
      ['fifield.zip', overlappingZip(['x', 'y', 'z'], text('kernel '.repeat(1000)))],
    ];
    for (const [name, bytes] of cases) {
      writeFileSync(join(dir, name), bytes);
      const unzip = spawnSync('unzip', ['-tqq', join(dir, name)], { encoding: 'utf8' });
      assert.equal(unzip.error, undefined, 'unzip is installed by scripts/setup.sh');
      let ours = true;
      try {
        const zip = openZip(bytes, name);
        for (const e of zip.entries) zip.read(e);
      } catch {
        ours = false;
      }
      assert.equal(ours, unzip.status === 0, `${name}: unzip says ${unzip.stdout}${unzip.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
