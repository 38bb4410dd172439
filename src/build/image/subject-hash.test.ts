import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { selfSignedCertificate } from '../../../test/helpers/tls.ts';
import { rehashLinks } from './subject-hash.ts';

const openssl = existsSync('/usr/bin/openssl') ? false : 'openssl is not installed (apt-get install openssl)';
const mozilla = '/usr/share/ca-certificates/mozilla';

/** What the real `openssl rehash` links in `dir`, as `name → target`, sorted. */
function realRehash(dir: string): string[] {
  execFileSync('openssl', ['rehash', dir], { stdio: 'pipe' });
  return readdirSync(dir)
    .filter((n) => /^[0-9a-f]{8}\.\d+$/.test(n))
    .sort()
    .map((n) => `${n} → ${readlinkSync(join(dir, n))}`);
}

function certificate(dir: string, name: string, subject: string, multivalued = false): Promise<void> {
  const flags = ['-utf8', ...(multivalued ? ['-multivalue-rdn'] : [])];
  return selfSignedCertificate(subject, 1, join(dir, `${name}.key`), join(dir, name), undefined, flags);
}

function ours(dir: string): string[] {
  const files = readdirSync(dir).map((name) => ({ name, content: readFileSync(join(dir, name)) }));
  return rehashLinks(files, dir)
    .map((l) => `${l.name} → ${l.target}`)
    .sort();
}

test('hash links are what openssl rehash writes: canonical subjects collide, .0 .1 by name, duplicates skipped', {
  skip: openssl,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-rehash-'));
  // equal once canonical (case, inner and outer whitespace): one hash, numbered in name order
  await certificate(dir, 'b.pem', '/CN=sgci  Collide/O=Test');
  await certificate(dir, 'a.pem', '/CN=SGCI collide /O=test');
  await certificate(dir, 'c.crt', '/CN=Größe Wurzel/O=Ämter');
  await certificate(dir, 'd.cer', '/CN=multi+O=valued/C=DE', true);
  writeFileSync(join(dir, 'e.pem'), readFileSync(join(dir, 'a.pem'))); // the same certificate again
  writeFileSync(
    join(dir, 'bundle.pem'),
    Buffer.concat([readFileSync(join(dir, 'a.pem')), readFileSync(join(dir, 'b.pem'))]),
  );
  for (const n of readdirSync(dir).filter((n) => n.endsWith('.key'))) rmSync(join(dir, n));
  const expected = realRehash(dir);
  assert.equal(expected.length, 4, expected.join('\n'));
  assert.ok(
    expected.some((l) => l.endsWith('.1 → b.pem')),
    expected.join('\n'),
  );
  assert.deepEqual(ours(dir), expected);
});

test("Debian's CA certificates as this host has them: every link as openssl rehash makes it", {
  skip: openssl || (existsSync(mozilla) ? false : `${mozilla} is missing (apt-get install ca-certificates)`),
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-rehash-'));
  for (const name of readdirSync(mozilla))
    writeFileSync(join(dir, `${name.replace(/\.crt$/, '')}.pem`), readFileSync(join(mozilla, name)));
  const expected = realRehash(dir);
  assert.ok(expected.length > 100, `${expected.length} links`);
  assert.deepEqual(ours(dir), expected);
});
