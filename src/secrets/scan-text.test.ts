import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FileEntry } from '../oci/types.ts';
import { createSecretScanner } from './index.ts';
import { maxMatchesPerText, scanText } from './scan-text.ts';
import { base32Alphabet, fakeSecret } from './testing.ts';

const MiB = 1024 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(MiB / unit.length));

/**
 * Inputs an image author controls, shaped to make a backtracking regex go quadratic: before the PEM, PuTTY
 * and .env patterns were made linear, the first ones took close to a minute each. The bound is generous for
 * a loaded CI machine; linear scanning takes well under a second.
 */
describe('hostile file contents scan in bounded time', () => {
  const cases: [string, string, string][] = [
    ['a megabyte of PEM BEGIN lines without END', fill('-----BEGIN PRIVATE KEY-----\nAAAA\n'), '/k.pem'],
    ['BEGIN markers back to back', fill('-----BEGIN RSA PRIVATE KEY-----'), '/k.pem'],
    ['PGP BEGIN lines', fill('-----BEGIN PGP PRIVATE KEY BLOCK-----\n'), '/k.asc'],
    ['PuTTY headers without private lines', fill('PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\n'), '/k.ppk'],
    ['an .env line of blanks', `A=${' '.repeat(MiB)}x"`, '/app/.env'],
    ['password= back to back', fill('password='), '/app/x'],
    ['_authToken= back to back', fill('_authToken='), '/app/.npmrc'],
    ['URL prefixes', fill('://a:'), '/app/x'],
    ['a kubeconfig of token keys', `kind: Config\n${fill('token: ')}`, '/root/.kube/config'],
    [
      'service-account private_key openings',
      `{"type": "service_account", ${fill('"private_key": "-----BEGIN PRIVATE KEY-----')}`,
      '/sa.json',
    ],
    ['docker auth openings', `{"auths": ${fill('"auth": "')}`, '/root/.docker/config.json'],
    ['PyPI prefixes', fill('pypi-AgEIcHlwaS5vcmc'), '/app/x'],
  ];
  for (const [name, text, path] of cases) {
    test(name, () => {
      const started = performance.now();
      scanText(text, path);
      const millis = performance.now() - started;
      assert.ok(millis < 5000, `${millis.toFixed(0)} ms for 1 MiB`);
    });
  }
});

describe('match cap', () => {
  test(`a file with more than ${maxMatchesPerText} secrets reports the first ones and an unknown`, async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `AKIA${fakeSecret(`cap${i}`, 16, base32Alphabet)}`);
    const content = Buffer.from(ids.join('\n'));
    const scanner = createSecretScanner();
    const entry: FileEntry = {
      path: '/app/keys.txt',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: content.length,
      layer: 1,
    };
    await scanner.visitor.visit(entry, content, false);
    assert.equal(scanner.findings().length, maxMatchesPerText);
    assert.deepEqual(
      scanner.unknowns().map((u) => [u.path, u.layer]),
      [['/app/keys.txt', 1]],
    );
  });
});

describe('scanText', () => {
  test('reports the line where a match starts', () => {
    const token = `ghp_${fakeSecret('line', 36)}`;
    assert.deepEqual(
      scanText(`a\nb\n\nx = "${token}"\n`).map((m) => [m.rule, m.line]),
      [['github-token', 4]],
    );
  });
  test('keeps the more specific rule where two overlap', () => {
    const secret = fakeSecret('overlap', 40, `${base32Alphabet}abcdefghijklmnopqrstuvwxyz+/`);
    assert.deepEqual(
      scanText(`AWS_SECRET_ACCESS_KEY=${secret}\n`, '/app/.env').map((m) => m.rule),
      ['aws-secret-access-key'],
    );
  });
});
