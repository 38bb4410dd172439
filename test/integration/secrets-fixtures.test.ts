import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openImage } from '../../src/oci/source/index.ts';
import type { FileEntry, FileVisitor } from '../../src/oci/types.ts';
import { createSecretScanner, markHidden, type SecretFinding, scanImageConfig } from '../../src/secrets/index.ts';
import { leakedValues } from '../../src/secrets/testing.ts';
import { type FixtureName, fixture, fixturesMissing } from '../helpers/fixtures.ts';

/** Files whose content holds the values build-images.sh plants, read back to check nothing leaks. */
const plantedFiles = [
  '/app/.env',
  '/root/.aws/credentials',
  '/var/cache/app-build/token.env',
  '/root/.ssh/id_rsa',
  '/etc/ssh/ssh_host_rsa_key',
  '/etc/ssh/ssh_host_ecdsa_key',
  '/etc/ssh/ssh_host_ed25519_key',
];

interface Scan {
  readonly findings: SecretFinding[];
  readonly planted: string[];
  readonly megabytes: number;
  readonly millis: number;
}

/** The scanner's visitor, timed: the share of the layer pass that secret scanning costs. */
function timed(visitor: FileVisitor): { visitor: FileVisitor; bytes: () => number; millis: () => number } {
  let bytes = 0;
  let millis = 0;
  return {
    visitor: {
      name: visitor.name,
      wants: (entry) => visitor.wants(entry),
      async visit(entry, content, truncated) {
        // The scanner's visit is synchronous: time the call, not the await (which lets the pass run on).
        const started = performance.now();
        const done = visitor.visit(entry, content, truncated);
        millis += performance.now() - started;
        await done;
        bytes += content.length;
      },
    },
    bytes: () => bytes,
    millis: () => millis,
  };
}

/**
 * One pass over the fixture through the real image source and layer reader (docker-archive for the secrets
 * image, oci-dir for the others), as `sgci scan` composes it.
 */
async function scan(name: FixtureName): Promise<Scan> {
  const scanner = createSecretScanner();
  const timing = timed(scanner.visitor);
  const planted: string[] = [];
  const capture: FileVisitor = {
    name: 'planted-values',
    wants: (entry: FileEntry) => (plantedFiles.includes(entry.path) ? entry.size : undefined),
    visit(_entry: FileEntry, content: Uint8Array) {
      const text = Buffer.from(content).toString('utf8');
      if (text.includes('PRIVATE KEY')) {
        planted.push(
          text
            .split('\n')
            .filter((line) => line && !line.startsWith('-----'))
            .join(''),
        );
      } else {
        for (const line of text.split('\n')) {
          const value = line.split(/\s*=\s*/)[1];
          if (value) planted.push(value.replace(/^postgres:\/\/app:([^@]+)@.*$/, '$1'));
        }
      }
    },
  };
  const input =
    name === 'debian-ssh-secrets' ? `docker-archive:${fixture(name).dockerArchive}` : `oci-dir:${fixture(name).ociDir}`;
  await using image = await openImage(input);
  const fs = await image.filesystem({ visitors: [timing.visitor, capture] });
  for (const entry of image.config.config?.Env ?? []) {
    const password = /:\/\/[^:]*:([^@]+)@/.exec(entry)?.[1];
    if (password) planted.push(password);
  }
  for (const entry of image.config.history ?? []) {
    const token = /GITHUB_TOKEN=(\S+)/.exec(entry.created_by ?? '')?.[1];
    if (token) planted.push(token);
  }
  const findings = [...markHidden(scanner.findings(), fs), ...scanImageConfig(image.config)];
  return { findings, planted, megabytes: timing.bytes() / 1e6, millis: timing.millis() };
}

function summary(findings: readonly SecretFinding[]): string[] {
  return findings.map((f) =>
    f.location === 'file'
      ? `${f.path}:${f.line} ${f.rule}${f.deleted ? ' (deleted)' : ''}`
      : `${f.field} ${f.rule}${f.layer === undefined ? '' : ` layer ${f.layer}`}`,
  );
}

describe('secret scanner on the fixture images', { skip: fixturesMissing() }, () => {
  test('debian-ssh-secrets: every planted secret, including whiteout, opaque dir, Env and history', async (t) => {
    const { findings, planted, megabytes, millis } = await scan('debian-ssh-secrets');
    t.diagnostic(
      `scanned ${megabytes.toFixed(1)} MB in ${millis.toFixed(0)} ms (${(megabytes / (millis / 1000)).toFixed(0)} MB/s)`,
    );
    assert.deepEqual(summary(findings), [
      '/app/.env:2 url-password',
      '/app/.env:3 aws-access-key-id',
      '/app/.env:4 aws-secret-access-key',
      '/etc/ssh/ssh_host_ecdsa_key:1 ssh-host-private-key',
      '/etc/ssh/ssh_host_ed25519_key:1 ssh-host-private-key',
      '/etc/ssh/ssh_host_rsa_key:1 ssh-host-private-key',
      '/root/.aws/credentials:2 aws-access-key-id (deleted)',
      '/root/.aws/credentials:3 aws-secret-access-key (deleted)',
      '/root/.ssh/id_rsa:1 private-key',
      '/var/cache/app-build/token.env:1 github-token (deleted)',
      'Env[1] DATABASE_URL url-password',
      'history[2] github-token layer 2',
    ]);
    // The same database password in /app/.env and in Env: one fingerprint, so reports can correlate them.
    const dbFingerprints = new Set(findings.filter((f) => f.rule === 'url-password').map((f) => f.fingerprint));
    assert.equal(dbFingerprints.size, 1);
    // Every planted value was read back (4 .env lines, 3 credentials lines, token, 4 keys, Env, history) ...
    assert.ok(planted.length >= 13, `planted values read back: ${planted.length}`);
    // ... and none of them, nor a 12-character piece, appears in the findings.
    assert.deepEqual(leakedValues(JSON.stringify(findings), planted), []);
  });

  const clean: [FixtureName, string[]][] = [
    ['debian-full', []],
    ['distroless-static', []],
    ['python-app', []],
    // debug@2.6.9 publishes its Coveralls repo token in .coveralls.yml: a real token in a real package.
    ['node-app', ['/app/node_modules/debug/.coveralls.yml:1 password-assignment']],
  ];
  for (const [name, expected] of clean) {
    test(`${name}: nothing from stock files except justified findings`, async (t) => {
      const { findings, megabytes, millis } = await scan(name);
      t.diagnostic(
        `scanned ${megabytes.toFixed(1)} MB in ${millis.toFixed(0)} ms (${(megabytes / (millis / 1000)).toFixed(0)} MB/s)`,
      );
      assert.deepEqual(summary(findings), expected);
    });
  }
});
