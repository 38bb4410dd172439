/**
 * The Debian chain of trust against a repository made in the test (dpkg-deb, apt-ftparchive, an OpenPGP key)
 * served on loopback: a good repository resolves and every `.deb` lands verified in the cache; each broken
 * link (changed Packages, wrong `.deb`, expired Valid-Until, unknown signer, a Release missing an index) stops
 * with an error that names the file and the link. Then the same build again from the cache, offline.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  type DebianSource,
  debPackageOf,
  diffLock,
  fetchPackages,
  formatWhy,
  lockedPackages,
  lockOf,
  lockPins,
  parseLock,
  RepositoryFiles,
  type ResolveRequest,
  resolveDebian,
  resolveRequestOf,
  serializeLock,
  startLockedDownloads,
  verifyLockedPackages,
} from '../../src/build/debian/index.ts';
import { assembleImage, parseBuildConfig } from '../../src/build/index.ts';
import { digestOf, isSgciError, parseDigest } from '../../src/core/index.ts';
import { buildDebianRepo, makeTestKey, serveDirectory, type TestDeb, type TestKey } from '../helpers/debian-repo.ts';

const packages: TestDeb[] = [
  { name: 'base-files', version: '13.1', priority: 'required', depends: 'mawk | awk' },
  { name: 'mawk', version: '1.3.4-1', multiArch: 'foreign', provides: 'awk' },
  { name: 'libc6', version: '2.36-9', multiArch: 'same', depends: 'libgcc-s1' },
  { name: 'libgcc-s1', version: '12.2.0-14', multiArch: 'same', preDepends: 'libc6 (>= 2.35)' },
  { name: 'tzdata', version: '2024a-1', architecture: 'all', depends: 'debconf (>= 0.5) | debconf-2.0' },
  { name: 'debconf', version: '1.5.82', architecture: 'all', provides: 'debconf-2.0' },
  { name: 'python3', version: '3.11.2-1', multiArch: 'allowed', depends: 'libc6 (>= 2.36)', recommends: 'tzdata' },
  { name: 'app', version: '1.0', depends: 'python3:any (>= 3.11), tzdata, base-files' },
];

describe('Debian sources: the chain of trust over loopback', () => {
  let root: string;
  let key: TestKey;
  let stranger: TestKey;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sgci-debrepo-'));
    key = await makeTestKey(root, 'archive');
    stranger = await makeTestKey(root, 'stranger');
  });
  after(() => rm(root, { recursive: true, force: true }));

  const sourceFor = (url: string, k: TestKey = key, extra: Partial<DebianSource> = {}): DebianSource => ({
    url,
    suites: ['testing'],
    components: ['main'],
    keys: [{ file: k.file, fingerprint: k.fingerprint }],
    ...extra,
  });
  const request = (source: DebianSource): ResolveRequest => ({
    sources: [source],
    architectures: ['amd64'],
    packages: ['app'],
    excludes: ['debconf'],
  });

  /** A fresh repository in its own folder, so a tamper case never leaks into another. */
  async function repo(name: string, options: Partial<Parameters<typeof buildDebianRepo>[2]> = {}) {
    return buildDebianRepo(join(root, name), key, { packages, ...options });
  }

  async function rejects(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
    await assert.rejects(promise, (error: unknown) => {
      assert.ok(isSgciError(error), String(error));
      assert.equal(error.code, code, error.message);
      assert.match(error.message, pattern);
      return true;
    });
  }

  test('a good repository over http: verified suite, the closure, every .deb verified in the cache', async () => {
    const made = await repo('good', { byHash: true, validSeconds: 3600 });
    await using served = await serveDirectory(made.dir);
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-good') });
    const started = performance.now();
    const resolution = await resolveDebian(request(sourceFor(served.url)), { files });
    const elapsed = performance.now() - started;
    const [suite] = resolution.suites;
    assert.equal(suite?.signer, key.fingerprint);
    assert.ok(suite?.validUntil, 'Valid-Until recorded');
    assert.deepEqual(
      suite?.indices.map((i) => i.path),
      ['dists/testing/main/binary-amd64/Packages.gz'],
    );
    assert.ok(
      served.requests.some((p) => p.includes('/by-hash/SHA256/')),
      `by-hash used: ${served.requests.join(' ')}`,
    );
    const [closure] = resolution.closures;
    assert.deepEqual(
      closure?.packages.map((p) => `${p.name} ${p.version}`),
      [
        'app 1.0',
        'base-files 13.1',
        'libc6 2.36-9',
        'libgcc-s1 12.2.0-14',
        'mawk 1.3.4-1',
        'python3 3.11.2-1',
        'tzdata 2024a-1',
      ],
    );
    assert.deepEqual(closure?.excluded, [
      { name: 'debconf', cuts: [{ from: 'tzdata', field: 'Depends', relation: 'debconf (>= 0.5) | debconf-2.0' }] },
    ]);
    const mawk = closure?.packages.find((p) => p.name === 'mawk');
    assert.deepEqual(mawk?.why, { kind: 'dependency', parent: 'base-files', field: 'Depends', relation: 'mawk | awk' });

    const fetched = await fetchPackages(closure?.packages ?? assert.fail(), files);
    for (const p of fetched) {
      const bytes = await readFile(p.path);
      assert.equal(digestOf(bytes), `sha256:${p.sha256}`, p.name);
      assert.deepEqual(bytes, await readFile(made.debPath(p.name)), p.name);
    }
    console.log(`resolved and verified the test repository over loopback in ${elapsed.toFixed(0)} ms`);

    // the same build from the cache alone, pinned by the lock: no request reaches the repository
    const lock = parseLock(serializeLock(lockOf(resolution, 'sha256:config')), 'sgci.lock.json');
    const before = served.requests.length;
    const offline = new RepositoryFiles({ cacheDir: join(root, 'cache-good'), offline: true });
    const again = await resolveDebian(request(sourceFor(served.url)), {
      files: offline,
      pinned: lockPins(lock),
    });
    await fetchPackages(again.closures[0]?.packages ?? assert.fail(), offline);
    // and straight from the lock, without reading an index
    const fromLock = await fetchPackages(lockedPackages(lock, 'amd64'), offline);
    assert.deepEqual(
      fromLock.map((p) => `${p.name} ${p.why}`),
      fetched.map((p) => `${p.name} ${formatWhy(p.why)}`),
    );
    assert.equal(served.requests.length, before, 'offline build made no request');
    assert.deepEqual(diffLock(lock, lockOf(again, 'sha256:config')), []);

    // a lock that names the .xz form (written when sgci preferred it) is read as it names it: the same lock again
    const xzPath = 'dists/testing/main/binary-amd64/Packages.xz';
    const xzBytes = await readFile(join(made.dir, xzPath));
    const xzSha256 = digestOf(xzBytes).slice('sha256:'.length);
    const xzLock = parseLock(
      serializeLock({
        ...lock,
        suites: lock.suites.map((s) => ({
          ...s,
          indices: [{ path: xzPath, sha256: xzSha256, size: xzBytes.length }],
        })),
      }),
      'sgci.lock.json',
    );
    const fromXz = await resolveDebian(request(sourceFor(served.url)), {
      files: new RepositoryFiles({ cacheDir: join(root, 'cache-good-xz') }),
      pinned: lockPins(xzLock),
    });
    assert.deepEqual(diffLock(xzLock, lockOf(fromXz, 'sha256:config')), []);
    assert.ok(served.requests.includes(`/dists/testing/main/binary-amd64/by-hash/SHA256/${xzSha256}`));
  });

  test('by-hash falls back to the path; a damaged cache entry is fetched again; a pinned InRelease must match', async () => {
    const made = await repo('cache', { byHash: true });
    await rm(join(made.dir, 'dists', 'testing', 'main', 'binary-amd64', 'by-hash'), { recursive: true });
    await using served = await serveDirectory(made.dir);
    const cacheDir = join(root, 'cache-damaged');
    const files = new RepositoryFiles({ cacheDir });
    const first = await resolveDebian(request(sourceFor(served.url)), { files });
    await files.settled();
    const index = first.suites[0]?.indices[0] ?? assert.fail('no index');
    assert.ok(served.requests.includes(`/${index.path}`), 'read by its path after by-hash failed');

    // a cache entry whose bytes no longer match its name is never used: offline it is missing, online fetched again
    // (the decompressed index goes too, else it would serve the build without the compressed one)
    await files.cache.remove(digestOf(await readFile(made.packagesPath('amd64'))));
    const cached = files.cache.pathOf(parseDigest(`sha256:${index.sha256}`));
    const bytes = await readFile(cached);
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    await writeFile(cached, bytes);
    const lock = lockOf(first, 'sha256:config');
    await rejects(
      resolveDebian(request(sourceFor(served.url)), {
        files: new RepositoryFiles({ cacheDir, offline: true }),
        pinned: lockPins(lock),
      }),
      'CACHE_ERROR',
      /Packages\.gz: not in the cache \(offline\)/,
    );
    await resolveDebian(request(sourceFor(served.url)), { files });
    assert.equal(digestOf(await readFile(cached)), `sha256:${index.sha256}`);

    // a lock that pins another InRelease than the repository serves names the difference
    const moved = {
      ...lock,
      suites: lock.suites.map((s) => ({ ...s, inRelease: { ...s.inRelease, sha256: 'f'.repeat(64) } })),
    };
    await rejects(
      resolveDebian(request(sourceFor(served.url)), { files, pinned: lockPins(moved) }),
      'DIGEST_MISMATCH',
      /dists\/testing\/InRelease: InRelease is sha256:[0-9a-f]{64}, the lock pins sha256:f{64}/,
    );
  });

  test('the decompressed index is cached under the sha256 the Release lists: a hit gives the same lock, a tampered entry is derived anew', async () => {
    const made = await repo('decompressed');
    await using served = await serveDirectory(made.dir);
    const cacheDir = join(root, 'cache-decompressed');
    const files = new RepositoryFiles({ cacheDir });
    const first = await resolveDebian(request(sourceFor(served.url)), { files });
    await files.settled();
    const lock = lockOf(first, 'sha256:config');
    const plain = await readFile(made.packagesPath('amd64'));
    const offline = new RepositoryFiles({ cacheDir, offline: true });
    const decompressed = offline.cache.pathOf(digestOf(plain));
    assert.deepEqual(await readFile(decompressed), plain, 'the decompressed index is cached under its own sha256');

    // a hit never reads the compressed index: damaged, it does not matter, and the lock is the same to the byte
    const xz = offline.cache.pathOf(parseDigest(`sha256:${first.suites[0]?.indices[0]?.sha256}`));
    const xzBytes = await readFile(xz);
    await writeFile(xz, Buffer.alloc(xzBytes.length));
    const hit = await resolveDebian(request(sourceFor(served.url)), { files: offline, pinned: lockPins(lock) });
    assert.equal(serializeLock(lockOf(hit, 'sha256:config')), serializeLock(lock));

    // a tampered decompressed entry (same size, another version) is dropped and derived again from the .xz
    await writeFile(xz, xzBytes);
    await writeFile(decompressed, plain.toString('latin1').replace('Version: 1.0', 'Version: 9.0'), 'latin1');
    const rederived = await resolveDebian(request(sourceFor(served.url)), {
      files: offline,
      pinned: lockPins(lock),
    });
    assert.equal(serializeLock(lockOf(rederived, 'sha256:config')), serializeLock(lock));
    await offline.settled();
    assert.deepEqual(await readFile(decompressed), plain, 'derived anew from the verified .xz');
  });

  test('a locked build asks for what its lock pins before it verifies anything, once each; a pin the Release does not name is left unused', async () => {
    const made = await repo('early', { byHash: true });
    await using served = await serveDirectory(made.dir);
    const lock = lockOf(
      await resolveDebian(request(sourceFor(served.url)), {
        files: new RepositoryFiles({ cacheDir: join(root, 'cache-early-lock') }),
      }),
      'sha256:config',
    );
    const [index] = lock.suites[0]?.indices ?? [];
    if (!index) assert.fail('no index in the lock');
    const byHash = `/dists/testing/main/binary-amd64/by-hash/SHA256/${index.sha256}`;
    const fresh = (name: string) => new RepositoryFiles({ cacheDir: join(root, name) });

    const files = fresh('cache-early');
    served.requests.length = 0;
    const early = startLockedDownloads(files, lock);
    // on their way before anything of the suite is verified
    await new Promise((next) => setTimeout(next, 50));
    assert.deepEqual([...served.requests].sort(), [byHash, '/dists/testing/InRelease'].sort());
    const options = { files, pinned: lockPins(lock), early };
    const suites = await verifyLockedPackages(request(sourceFor(served.url)), lockedPackages(lock, 'amd64'), options);
    assert.deepEqual(lockOf({ suites, closures: [] }, 'sha256:config').suites, lock.suites);
    assert.deepEqual(
      served.requests.filter((path) => path.startsWith('/dists/')).sort(),
      [byHash, '/dists/testing/InRelease'].sort(),
      'each asked for once',
    );

    // a pin the verified Release does not name (a forged index digest) is fetched, fails its own check and is not
    // used: the build reads the index the Release names and reports the difference from the lock
    const forged = {
      ...lock,
      suites: lock.suites.map((s) => ({ ...s, indices: [{ ...index, sha256: 'a'.repeat(64) }] })),
    };
    const again = fresh('cache-early-forged');
    const resolved = await resolveDebian(request(sourceFor(served.url)), {
      files: again,
      early: startLockedDownloads(again, forged),
    });
    const named = diffLock(forged, lockOf(resolved, 'sha256:config'));
    assert.ok(
      named.some((line) => line.includes('Packages.gz') && line.includes(index.sha256)),
      named.join('\n'),
    );
    assert.deepEqual(lockOf(resolved, 'sha256:config').suites, lock.suites);
  });

  test('a locked build verifies the lock against the indices without resolving: a forged .deb digest is refused', async () => {
    const made = await repo('locked');
    await using served = await serveDirectory(made.dir);
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-locked') });
    const resolution = await resolveDebian(request(sourceFor(served.url)), { files });
    const lock = lockOf(resolution, 'sha256:config');
    const options = { files, pinned: lockPins(lock) };
    const suites = await verifyLockedPackages(request(sourceFor(served.url)), lockedPackages(lock, 'amd64'), options);
    assert.deepEqual(suites, resolution.suites, 'the same verified chain as the resolution');

    // a lock whose entry is not what the signed index lists (another .deb, the same size) fails, naming it
    const forged = lockedPackages(lock, 'amd64').map((p) =>
      p.name === 'libc6' ? { ...p, sha256: 'e'.repeat(64) } : p,
    );
    await rejects(
      verifyLockedPackages(request(sourceFor(served.url)), forged, options),
      'DIGEST_MISMATCH',
      /testing\/main: the lock names libc6 2\.36-9 \(amd64, sha256:e{64}\), which its verified index does not list/,
    );
  });

  test('two architectures: one index each, one closure each, the arm64 .debs and the all ones shared', async () => {
    const both = packages.flatMap((p) => (p.architecture === 'all' ? [p] : [p, { ...p, architecture: 'arm64' }]));
    const made = await repo('multiarch', { architectures: ['amd64', 'arm64'], packages: both });
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-multiarch') });
    const resolution = await resolveDebian(
      { ...request(sourceFor(pathToFileURL(made.dir).href)), architectures: ['amd64', 'arm64'] },
      { files },
    );
    assert.deepEqual(
      resolution.suites[0]?.indices.map((i) => i.path),
      ['dists/testing/main/binary-amd64/Packages.gz', 'dists/testing/main/binary-arm64/Packages.gz'],
    );
    const lock = lockOf(resolution, 'sha256:config');
    assert.deepEqual(
      lock.architectures.map((a) => [a.architecture, a.packages.map((p) => `${p.name}:${p.architecture}`).join(' ')]),
      [
        ['amd64', 'app:amd64 base-files:amd64 libc6:amd64 libgcc-s1:amd64 mawk:amd64 python3:amd64 tzdata:all'],
        ['arm64', 'app:arm64 base-files:arm64 libc6:arm64 libgcc-s1:arm64 mawk:arm64 python3:arm64 tzdata:all'],
      ],
    );
    const arm64 = await fetchPackages(lockedPackages(lock, 'arm64'), files);
    assert.ok(arm64.every((p) => p.path.includes(p.sha256)));
  });

  test('from a build file to an image: the request it makes, the verified .debs, assembled for each platform', async () => {
    const made = await repo('e2e', { validSeconds: 3600 });
    const dir = join(root, 'e2e-build');
    await mkdir(dir, { recursive: true });
    await cp(key.file, join(dir, 'archive.asc'));
    const yaml = [
      'apiVersion: sgci.build/v1',
      'image:',
      '  name: registry.example/test/app',
      '  platforms: [linux/amd64]',
      'debian:',
      `  snapshot: '${new Date(Date.now() + 60_000).toISOString()}'`,
      '  sources:',
      `    - url: ${pathToFileURL(made.dir).href}`,
      '      suites: [testing]',
      '      keys:',
      `        - { file: archive.asc, fingerprint: '${key.fingerprint.toUpperCase()}' }`,
      'packages:',
      '  include: [app]',
      '  exclude: [debconf]',
      'reproducibility: { epoch: 1735689600 }',
      '',
    ].join('\n');
    const config = parseBuildConfig(yaml, join(dir, 'build.yaml'));
    const resolveRequest = resolveRequestOf(config, dir);
    assert.equal(resolveRequest.sources[0]?.keys[0]?.file, join(dir, 'archive.asc'));
    assert.deepEqual(resolveRequest.architectures, ['amd64']);
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-e2e') });
    const resolution = await resolveDebian(resolveRequest, { files });
    const inputs = [];
    for (const [i, platform] of config.image.platforms.entries()) {
      const fetched = await fetchPackages(resolution.closures[i]?.packages ?? [], files);
      inputs.push({ platform, packages: fetched.map(debPackageOf) });
    }
    const image = await assembleImage(config, inputs, { layout: join(dir, 'oci'), baseDir: dir });
    const report = image.report.platforms[0];
    assert.deepEqual(
      report?.packages.map((p) => p.name),
      ['app', 'base-files', 'libc6', 'libgcc-s1', 'mawk', 'python3', 'tzdata'],
    );
  });

  test('a file: directory source resolves the same closure as http; a missing .gz falls back to .xz', async () => {
    const made = await repo('file');
    await rm(`${made.packagesPath('amd64')}.gz`);
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-file') });
    const resolution = await resolveDebian(request(sourceFor(pathToFileURL(made.dir).href)), { files });
    assert.deepEqual(
      resolution.suites[0]?.indices.map((i) => i.path),
      ['dists/testing/main/binary-amd64/Packages.xz'],
    );
    assert.equal(resolution.closures[0]?.packages.length, 7);
    const fetched = await fetchPackages(resolution.closures[0]?.packages ?? assert.fail(), files);
    assert.equal(fetched.length, 7);
  });

  test('a changed Packages index fails at the InRelease link, naming the index', async () => {
    const made = await repo('changed-packages');
    // the form a build reads first (gzip): a tampered one is refused, never passed over for another form
    const gz = `${made.packagesPath('amd64')}.gz`;
    const bytes = await readFile(gz);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 1;
    await writeFile(gz, bytes);
    await using served = await serveDirectory(made.dir);
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-changed') });
    await rejects(
      resolveDebian(request(sourceFor(served.url)), { files }),
      'DIGEST_MISMATCH',
      /dists\/testing\/main\/binary-amd64\/Packages\.gz: is sha256:[0-9a-f]{64}, InRelease says sha256:/,
    );
  });

  test('a .deb that is not the one Packages names fails before it is opened, naming the .deb and the link', async () => {
    const made = await repo('wrong-deb');
    await using served = await serveDirectory(made.dir);
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-wrong-deb') });
    const resolution = await resolveDebian(request(sourceFor(served.url)), { files });
    const closure = resolution.closures[0] ?? assert.fail();
    // one byte changed, same size: the sha256 link
    const deb = await readFile(made.debPath('libc6'));
    deb[deb.length - 1] = (deb[deb.length - 1] ?? 0) ^ 1;
    await writeFile(made.debPath('libc6'), deb);
    await rejects(
      fetchPackages(closure.packages, files),
      'DIGEST_MISMATCH',
      /pool\/main\/libc6_2\.36-9_amd64\.deb: is sha256:[0-9a-f]{64}, the Packages entry of libc6 2\.36-9 \(testing\/main\) says sha256:/,
    );
    // a longer file: refused at the size, before it is read to the end
    await writeFile(made.debPath('libc6'), Buffer.concat([deb, Buffer.alloc(4096)]));
    await rejects(
      fetchPackages(closure.packages, files),
      'DIGEST_MISMATCH',
      /libc6_2\.36-9_amd64\.deb: is larger than the \d+ bytes the Packages entry of libc6 2\.36-9 \(testing\/main\) says/,
    );
  });

  test('an expired Valid-Until fails at the snapshot time, never ignored', async () => {
    const made = await repo('expired', { validSeconds: 60 });
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-expired') });
    const source = sourceFor(pathToFileURL(made.dir).href);
    const later = () => new Date(Date.now() + 3600_000);
    await rejects(
      resolveDebian(request(source), { files, now: later }),
      'REPOSITORY_INVALID',
      /dists\/testing\/InRelease: Valid-Until \S+ has passed at the snapshot time \S+: expired/,
    );
    // a snapshot time inside the window passes, whatever the clock says
    const snapshot = new Date(Date.now() + 1000).toISOString();
    const ok = await resolveDebian(request({ ...source, snapshot }), { files, now: later });
    assert.equal(ok.suites[0]?.snapshot, snapshot);
    // and at a snapshot time before the InRelease was signed, its signature does not exist yet
    await rejects(
      resolveDebian(request({ ...source, snapshot: '2001-01-01T00:00:00Z' }), { files }),
      'SIGNATURE_INVALID',
      /invalid at 2001-01-01T00:00:00\.000Z: Signature creation time is in the future/,
    );
  });

  test('an InRelease signed by a key that is not pinned fails, naming the signer', async () => {
    const made = await repo('stranger');
    await made.sign(stranger);
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-stranger') });
    await rejects(
      resolveDebian(request(sourceFor(pathToFileURL(made.dir).href)), { files }),
      'SIGNATURE_INVALID',
      /InRelease: InRelease signature not trusted: signed by unknown key [0-9a-f]{16}/,
    );
    // pinned but not an allowed signer
    const both = sourceFor(pathToFileURL(made.dir).href, key, {
      keys: [
        { file: key.file, fingerprint: key.fingerprint },
        { file: stranger.file, fingerprint: stranger.fingerprint },
      ],
      signers: [key.fingerprint],
    });
    await rejects(
      resolveDebian(request(both), { files }),
      'SIGNATURE_INVALID',
      new RegExp(`signed by ${stranger.fingerprint}, which is not an allowed signer`),
    );
  });

  test('a key file whose fingerprint is not the pinned one is refused', async () => {
    const made = await repo('fingerprint');
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-fingerprint') });
    const source = sourceFor(pathToFileURL(made.dir).href, key, {
      keys: [{ file: key.file, fingerprint: stranger.fingerprint }],
    });
    await rejects(
      resolveDebian(request(source), { files }),
      'KEY_INVALID',
      /archive\.asc: holds no key with the fingerprint/,
    );
  });

  test('a Release that does not list an index fails, naming the missing index', async () => {
    const made = await repo('missing-index', {
      architectures: ['amd64', 'arm64'],
      editRelease: (text) =>
        text
          .split('\n')
          .filter((line) => !line.includes('binary-amd64/Packages'))
          .join('\n'),
    });
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-missing') });
    await rejects(
      resolveDebian(request(sourceFor(pathToFileURL(made.dir).href)), { files }),
      'REPOSITORY_INVALID',
      /InRelease: the Release lists no main\/binary-amd64\/Packages\(\.xz\|\.gz\): the index is missing/,
    );
  });

  test('a suite whose Release names another suite is refused', async () => {
    const made = await repo('suite', { suite: 'testing', codename: 'trixie' });
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-suite') });
    const url = pathToFileURL(made.dir).href;
    // the codename is as good as the suite …
    await cp(join(made.dir, 'dists', 'testing'), join(made.dir, 'dists', 'trixie'), { recursive: true });
    await resolveDebian(request({ ...sourceFor(url), suites: ['trixie'] }), { files });
    // … a Release served under another suite's name is not
    await cp(join(made.dir, 'dists', 'testing'), join(made.dir, 'dists', 'stable'), { recursive: true });
    await rejects(
      resolveDebian(request({ ...sourceFor(url), suites: ['stable'] }), { files }),
      'REPOSITORY_INVALID',
      /dists\/stable\/InRelease: Suite testing \/ Codename trixie is not the suite stable/,
    );
  });

  test('an unmet dependency names the chain from the requested package', async () => {
    const made = await repo('unmet', {
      packages: [
        { name: 'app', version: '1', depends: 'libfoo' },
        { name: 'libfoo', version: '1', depends: 'libbar (>= 2)' },
        { name: 'libbar', version: '1.5' },
      ],
    });
    const files = new RepositoryFiles({ cacheDir: join(root, 'cache-unmet') });
    await rejects(
      resolveDebian({ ...request(sourceFor(pathToFileURL(made.dir).href)), excludes: [] }, { files }),
      'DEPENDENCY_UNMET',
      /app → libfoo → libbar \(>= 2\) \(Depends\): the candidate libbar 1\.5 \(of 1\.5\) does not satisfy it/,
    );
  });
});
