import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { diffLock, type Lock, parseLock, serializeLock } from './lock.ts';
import { checkRelease, packagesIndex, parseRelease } from './release.ts';

const sha = (c: string) => c.repeat(64);

const lock: Lock = {
  lockVersion: 1,
  configDigest: `sha256:${sha('c')}`,
  suites: [
    {
      url: 'https://snapshot.example/archive/debian/20250101T000000Z',
      suite: 'bookworm',
      snapshot: '2025-01-01T00:00:00.000Z',
      inRelease: { sha256: sha('a'), size: 150_000 },
      signer: 'b8b80b5b623eab6ad8775c45b7c5d7d6350947f8',
      signingKey: '4cb50190207b4758a3f73a796ed0e7b82643e131',
      date: '2024-12-28T09:00:00.000Z',
      validUntil: null,
      indices: [{ path: 'dists/bookworm/main/binary-amd64/Packages.xz', sha256: sha('d'), size: 8_900_000 }],
    },
  ],
  architectures: [
    {
      architecture: 'amd64',
      packages: [
        {
          name: 'libc6',
          version: '2.36-9+deb12u9',
          architecture: 'amd64',
          source: 'glibc',
          sourceVersion: '2.36-9+deb12u9',
          url: 'https://snapshot.example/archive/debian/20250101T000000Z',
          suite: 'bookworm',
          component: 'main',
          filename: 'pool/main/g/glibc/libc6_2.36-9+deb12u9_amd64.deb',
          size: 2_757_000,
          sha256: sha('e'),
          why: 'libssl3 Depends: libc6 (>= 2.34)',
        },
        {
          name: 'libssl3',
          version: '3.0.15-1~deb12u1',
          architecture: 'amd64',
          source: 'openssl',
          sourceVersion: '3.0.15-1~deb12u1',
          url: 'https://snapshot.example/archive/debian/20250101T000000Z',
          suite: 'bookworm',
          component: 'main',
          filename: 'pool/main/o/openssl/libssl3_3.0.15-1~deb12u1_amd64.deb',
          size: 2_026_000,
          sha256: sha('f'),
          why: 'requested: libssl3',
        },
      ],
      excluded: [{ name: 'debconf', cuts: [] }],
    },
  ],
};

test('a lock survives serialisation byte for byte and is refused when it is not one', () => {
  const text = serializeLock(lock);
  assert.equal(serializeLock(parseLock(text, 'sgci.lock.json')), text);
  assert.throws(
    () => parseLock(text.replace('"lockVersion": 1', '"lockVersion": 2'), 'sgci.lock.json'),
    (error: unknown) =>
      isSgciError(error, 'CONFIG_INVALID') && /sgci\.lock\.json: not an sgci lock: lockVersion/.test(error.message),
  );
});

test('the diff of a lock against a fresh resolution: one readable line per change, none when equal', () => {
  assert.deepEqual(diffLock(lock, structuredClone(lock)), []);
  const fresh = structuredClone(lock);
  const [suite] = fresh.suites;
  const [amd64] = fresh.architectures;
  const [libc6, libssl3] = amd64?.packages ?? [];
  assert.ok(suite && amd64 && libc6 && libssl3);
  suite.inRelease.sha256 = sha('1');
  suite.indices = suite.indices.map((i) => ({ ...i, sha256: sha('3') }));
  amd64.packages = [
    { ...libc6, version: '2.36-9+deb12u10', sha256: sha('2') },
    { ...libssl3, name: 'zlib1g', version: '1:1.2.13.dfsg-1' },
  ];
  assert.deepEqual(diffLock(lock, fresh), [
    '~ suite https://snapshot.example/archive/debian/20250101T000000Z bookworm',
    `  InRelease sha256:${sha('a')} → sha256:${sha('1')}`,
    `  ~ index dists/bookworm/main/binary-amd64/Packages.xz: sha256 ${sha('d')} → ${sha('3')}`,
    '~ architecture amd64',
    '    ~ libc6 2.36-9+deb12u9',
    '      version 2.36-9+deb12u9 → 2.36-9+deb12u10',
    `      sha256 ${sha('e')} → ${sha('2')}`,
    '    - libssl3 3.0.15-1~deb12u1',
    '    + zlib1g 1:1.2.13.dfsg-1',
  ]);
});

const release = (fields: string) =>
  parseRelease(
    `Origin: Debian\nSuite: stable\nCodename: bookworm\n${fields}SHA256:\n ${sha('a')} 123 main/binary-amd64/Packages\n ${sha('b')} 45 main/binary-amd64/Packages.xz\n`,
    'InRelease',
  );

test('Release: Date and Valid-Until judged at the snapshot time; the suite by Suite or Codename', () => {
  const r = release(
    'Date: Sat, 11 Jan 2025 10:00:00 UTC\nValid-Until: Sat, 18 Jan 2025 10:00:00 UTC\nAcquire-By-Hash: yes\n',
  );
  assert.equal(r.acquireByHash, true);
  assert.deepEqual(packagesIndex(r, 'main', 'amd64', 'InRelease'), [
    { path: 'main/binary-amd64/Packages.xz', sha256: sha('b'), size: 45 },
    { path: 'main/binary-amd64/Packages', sha256: sha('a'), size: 123 },
  ]);
  checkRelease(r, 'bookworm', new Date('2025-01-12T00:00:00Z'), 'InRelease');
  checkRelease(r, 'stable', new Date('2025-01-12T00:00:00Z'), 'InRelease');
  assert.throws(() => checkRelease(r, 'stable', new Date('2025-01-11T09:59:59Z'), 'InRelease'), /not valid yet/);
  assert.throws(() => checkRelease(r, 'stable', new Date('2025-01-18T10:00:00Z'), 'InRelease'), /expired/);
  assert.throws(
    () => checkRelease(r, 'trixie', new Date('2025-01-12T00:00:00Z'), 'InRelease'),
    /is not the suite trixie/,
  );
  assert.throws(() => release('Date: yesterday\n'), /Date is not a date/);
  assert.throws(() => packagesIndex(r, 'contrib', 'amd64', 'InRelease'), /lists no contrib\/binary-amd64\/Packages/);
});

test('Packages forms: gzip before xz before none, and a form the lock names before them all', () => {
  const r = parseRelease(
    `Origin: Debian\nSuite: stable\nCodename: bookworm\nDate: Sat, 11 Jan 2025 10:00:00 UTC\nSHA256:\n ${sha('a')} 123 main/binary-amd64/Packages\n ${sha('b')} 45 main/binary-amd64/Packages.xz\n ${sha('c')} 60 main/binary-amd64/Packages.gz\n`,
    'InRelease',
  );
  const paths = (pinned?: string[]) =>
    packagesIndex(r, 'main', 'amd64', 'InRelease', new Set(pinned)).map((f) => f.path.split('/').pop());
  assert.deepEqual(paths(), ['Packages.gz', 'Packages.xz', 'Packages']);
  assert.deepEqual(paths(['main/binary-amd64/Packages.xz']), ['Packages.xz', 'Packages.gz', 'Packages']);
  assert.deepEqual(paths(['main/binary-amd64/Packages']), ['Packages', 'Packages.gz', 'Packages.xz']);
  // a pin of another index or one the Release does not list changes nothing
  assert.deepEqual(paths(['main/binary-arm64/Packages.xz', 'main/binary-amd64/Packages.bz2']), [
    'Packages.gz',
    'Packages.xz',
    'Packages',
  ]);
});
