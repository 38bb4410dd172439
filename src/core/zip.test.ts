import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../test/helpers/fixtures.ts';
import { makeZip } from '../../test/helpers/zip.ts';
import { openZip } from './zip.ts';

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
