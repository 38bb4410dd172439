import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { selfSignedCertificate } from '../../test/helpers/tls.ts';
import type { FileEntry } from '../oci/types.ts';
import { createSecretScanner, markHidden } from './index.ts';
import { jksHasKeyEntry, looksLikePkcs12, pkcs12Contents } from './pkcs12.ts';
import { fakeSecret, leakedValues } from './testing.ts';

function file(path: string, size: number, layer = 0, type: FileEntry['type'] = 'file'): FileEntry {
  return { path, type, mode: 0o644, uid: 0, gid: 0, size, layer };
}

describe('createSecretScanner: what the visitor asks for', () => {
  const { visitor } = createSecretScanner();
  const cases: [string, FileEntry, number | undefined][] = [
    ['a small text file, whole', file('/app/config.yaml', 300), 300],
    ['a 1 MiB file, whole', file('/app/big.json', 1024 * 1024), 1024 * 1024],
    ['a larger file by a secret-prone name, a bounded prefix', file('/root/.aws/credentials', 5_000_000), 1024 * 1024],
    ['a large .env, a bounded prefix', file('/app/.env', 2_000_000), 1024 * 1024],
    [
      'a large file without such a name, nothing',
      file('/usr/lib/x86_64-linux-gnu/libLLVM.so.15', 90_000_000),
      undefined,
    ],
    ['a large data file, nothing', file('/var/lib/app/data.bin', 2_000_000), undefined],
    ['a large SQL dump, a bounded prefix', file('/docker-entrypoint-initdb.d/dump.sql', 40_000_000), 1024 * 1024],
    ['Terraform state, a bounded prefix', file('/infra/terraform.tfstate', 3_000_000), 1024 * 1024],
    ['a shared library, nothing', file('/usr/lib/x86_64-linux-gnu/libc.so.6', 900_000), undefined],
    ['compressed docs, nothing', file('/usr/share/doc/bash/changelog.Debian.gz', 2000), undefined],
    ['timezone data, nothing', file('/usr/share/zoneinfo/Europe/Berlin', 2300), undefined],
    ['an empty file, nothing', file('/app/empty', 0), undefined],
    ['a directory, nothing', file('/app', 0, 0, 'dir'), undefined],
    ['a symlink, nothing', file('/app/link', 0, 0, 'symlink'), undefined],
    ['a small .p12, whole', file('/app/cert.p12', 2500), 2500],
  ];
  for (const [name, entry, expected] of cases) {
    test(name, () => assert.equal(visitor.wants(entry), expected));
  }
  test('a smaller bound is honoured', () => {
    assert.equal(createSecretScanner({ maxFileBytes: 4096 }).visitor.wants(file('/app/.npmrc', 10_000)), 4096);
    assert.equal(createSecretScanner({ maxFileBytes: 4096 }).visitor.wants(file('/app/notes.dat', 10_000)), undefined);
  });
  test('large files with hostile 4 KiB names are judged in bounded time, by the same rules', () => {
    // Each name took 2-5 ms before "contains secret" became a lookahead; an image holds tens of thousands of them.
    const names = [`/${'secret'.repeat(680)}`, `/${'secret.'.repeat(580)}`, `/${'serviceaccount'.repeat(290)}`];
    const started = performance.now();
    for (let i = 0; i < 1000; i++)
      for (const name of names) assert.equal(visitor.wants(file(name, 2_000_000)), undefined);
    const millis = performance.now() - started;
    assert.ok(millis < 3000, `${millis.toFixed(0)} ms for 3,000 names`);
    assert.equal(
      visitor.wants(file(`/etc/app/${'x'.repeat(2000)}secrets${'y'.repeat(2000)}.yaml`, 2_000_000)),
      1024 * 1024,
    );
    assert.equal(visitor.wants(file('/keys/my-service_account-prod.json', 2_000_000)), 1024 * 1024);
  });
});

describe('createSecretScanner: visiting content', () => {
  const token = `ghp_${fakeSecret('scanner', 36)}`;

  test('finds a token at the start of a truncated prefix and keeps only findings', async () => {
    const scanner = createSecretScanner();
    const content = Buffer.from(`GITHUB_TOKEN=${token}\n${'#'.repeat(1000)}`);
    await scanner.visitor.visit(file('/app/.env', 5_000_000, 3), content, true);
    const findings = scanner.findings();
    assert.deepEqual(
      findings.map((f) => [f.rule, f.path, f.layer, f.line]),
      [['github-token', '/app/.env', 3, 1]],
    );
    assert.deepEqual(leakedValues(JSON.stringify(findings), [token]), []);
  });

  test('skips binary files by a NUL byte in the first KiB', async () => {
    const scanner = createSecretScanner();
    const elf = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0\0\0', 'latin1'), Buffer.from(`  ${token}  `)]);
    await scanner.visitor.visit(file('/usr/bin/tool', elf.length), elf, false);
    assert.deepEqual(scanner.findings(), []);
  });

  test('sorts findings by path, layer and line whatever the visit order', async () => {
    const scanner = createSecretScanner();
    const text = Buffer.from(`x\n${token}\n`);
    await scanner.visitor.visit(file('/b', text.length, 1), text, false);
    await scanner.visitor.visit(file('/a', text.length, 2), text, false);
    await scanner.visitor.visit(file('/a', text.length, 0), text, false);
    assert.deepEqual(
      scanner.findings().map((f) => `${f.path}@${f.layer}:${f.line}`),
      ['/a@0:2', '/a@2:2', '/b@1:2'],
    );
  });
});

describe('where a key lies changes rule or severity', () => {
  const key = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'sec1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const cases: [string, string, string][] = [
    ['/root/.ssh/id_ecdsa', 'private-key', 'critical'],
    ['/etc/ssh/ssh_host_ecdsa_key', 'ssh-host-private-key', 'high'],
    ['/etc/ssl/private/ssl-cert-snakeoil.key', 'snakeoil-private-key', 'high'],
    ['/usr/lib/python3.11/test/keycert.pem', 'private-key', 'medium'],
    ['/usr/lib/python3/dist-packages/paramiko/tests/test_ecdsa_256.key', 'private-key', 'medium'],
    ['/app/node_modules/https-proxy/test/fixtures/key.pem', 'private-key', 'medium'],
    ['/usr/share/doc/openssl/demos/key.pem', 'private-key', 'medium'],
    ['/app/test/key.pem', 'private-key', 'medium'],
    [
      '/usr/lib/google-cloud-sdk/platform/gsutil/third_party/requests/tests/certs/valid/server/server.key',
      'private-key',
      'medium',
    ],
    ['/app/config/key.pem', 'private-key', 'critical'],
  ];
  for (const [path, rule, severity] of cases) {
    test(`${path}: ${rule}, ${severity}`, async () => {
      const scanner = createSecretScanner();
      await scanner.visitor.visit(file(path, key.length), Buffer.from(key), false);
      assert.deepEqual(
        scanner.findings().map((f) => [f.rule, f.severity]),
        [[rule, severity]],
      );
    });
  }
});

describe('PKCS#12 by extension and ASN.1 shape', () => {
  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  test('a PKCS#12 store made by openssl is a finding', {
    skip: openssl.status === 0 ? false : 'openssl not installed',
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgci-p12-'));
    try {
      const key = join(dir, 'k.pem');
      const cert = join(dir, 'c.pem');
      const p12 = join(dir, 's.p12');
      const run = (args: string[]) =>
        assert.equal(spawnSync('openssl', args, { stdio: 'ignore' }).status, 0, args.join(' '));
      await selfSignedCertificate('/CN=fixture', 1, key, cert);
      run(['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', p12, '-passout', 'pass:fixture']);
      const bytes = readFileSync(p12);
      assert.ok(looksLikePkcs12(bytes));
      const scanner = createSecretScanner();
      await scanner.visitor.visit(file('/app/keystore.pfx', bytes.length), bytes, false);
      assert.deepEqual(
        scanner.findings().map((f) => [f.rule, f.severity]),
        [['pkcs12-keystore', 'high']],
      );
      // A certificate-only store: no key bag visible, reported as possibly holding one.
      const trust = join(dir, 't.p12');
      run(['pkcs12', '-export', '-nokeys', '-in', cert, '-out', trust, '-passout', 'pass:fixture']);
      const trustBytes = readFileSync(trust);
      assert.equal(pkcs12Contents(trustBytes), 'encrypted');
      assert.equal(pkcs12Contents(bytes), 'key');
      // A DER certificate renamed to .p12 is not a key store.
      const der = spawnSync('openssl', ['x509', '-in', cert, '-outform', 'DER']).stdout;
      assert.equal(looksLikePkcs12(der), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('random bytes and text named .p12 are not', () => {
    assert.equal(looksLikePkcs12(Buffer.from(fakeSecret('p12', 200), 'latin1')), false);
    assert.equal(looksLikePkcs12(Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x01, 0x30])), false);
    assert.equal(looksLikePkcs12(Buffer.from([0x30, 0x82, 0x0a, 0x00, 0x02, 0x01, 0x03, 0x30, 0x80])), true);
  });
});

describe('Java key stores by structure', () => {
  /** A JKS with the given entry tags: 1 private key, 2 trusted certificate (the layout keytool writes). */
  function jks(tags: number[]): Buffer {
    const parts = [Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), u32(tags.length)];
    for (const [i, tag] of tags.entries()) {
      const alias = Buffer.from(`alias${i}`);
      parts.push(u32(tag), u16(alias.length), alias, Buffer.alloc(8));
      if (tag === 2) {
        const cert = Buffer.from(fakeSecret(`cert${i}`, 300), 'latin1');
        parts.push(u16(5), Buffer.from('X.509'), u32(cert.length), cert);
      } else {
        const key = Buffer.from(fakeSecret(`key${i}`, 200), 'latin1');
        parts.push(u32(key.length), key, u32(0));
      }
    }
    return Buffer.concat(parts);
  }
  function u32(n: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  }
  function u16(n: number): Buffer {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
  }
  test('a trust store of certificates is not a finding; a key entry is', async () => {
    assert.equal(jksHasKeyEntry(jks([2, 2, 2])), false);
    assert.equal(jksHasKeyEntry(jks([2, 1])), true);
    assert.equal(jksHasKeyEntry(Buffer.from('not a keystore at all')), undefined);
    const scanner = createSecretScanner();
    const trust = jks([2, 2]);
    const keys = jks([1, 2]);
    await scanner.visitor.visit(file('/opt/app/truststore.jks', trust.length), trust, false);
    await scanner.visitor.visit(file('/opt/app/server.keystore', keys.length), keys, false);
    assert.deepEqual(
      scanner.findings().map((f) => [f.path, f.rule, f.severity]),
      [['/opt/app/server.keystore', 'java-keystore', 'high']],
    );
  });
});

describe('markHidden', () => {
  const token = `ghp_${fakeSecret('hidden', 36)}`;
  test('marks files deleted or replaced by a later layer, keeps visible ones', async () => {
    const scanner = createSecretScanner();
    const text = Buffer.from(token);
    for (const entry of [
      file('/gone', 40, 1),
      file('/replaced', 40, 1),
      file('/replaced', 40, 2),
      file('/kept', 40, 1),
    ]) {
      await scanner.visitor.visit(entry, text, false);
    }
    const visible = new Map([
      ['/replaced', file('/replaced', 40, 2)],
      ['/kept', file('/kept', 40, 1)],
    ]);
    const marked = markHidden(scanner.findings(), { squashed: { get: (path: string) => visible.get(path) } as never });
    assert.deepEqual(
      marked.map((f) => `${f.path}@${f.layer} ${f.deleted}`),
      ['/gone@1 true', '/kept@1 false', '/replaced@1 true', '/replaced@2 false'],
    );
  });
});
