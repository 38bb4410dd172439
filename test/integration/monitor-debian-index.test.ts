/**
 * Debian's package index as the time-to-patch clock: a signed loopback repository (apt-ftparchive, an OpenPGP key
 * made in the test) serves a suite; the monitor records each source version's first observation only through the
 * builder's chain of trust (InRelease signed by a pinned key, then the index's size and sha256 from the signed
 * text), and a tag's report counts a Debian fix from when the fixed version appeared in the suite, not from the
 * advisory's date. An unsigned, wrongly signed or tampered index is refused, naming the file and the link.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadPinnedKeys } from '../../src/build/debian/index.ts';
import { isSgciError } from '../../src/core/index.ts';
import { defaultDebianKeys, observeDebianIndex, tagReport, watchKeyOf } from '../../src/monitor/index.ts';
import { defaultPolicy, slaPolicyOf } from '../../src/policy/index.ts';
import { openStore } from '../../src/store/index.ts';
import { TestClock } from '../helpers/catalogue.ts';
import { runSgci } from '../helpers/cli.ts';
import { buildDebianRepo, makeTestKey, serveDirectory, type TestDeb } from '../helpers/debian-repo.ts';

const work = await mkdtemp(join(tmpdir(), 'sgci-debian-index-'));
after(() => rm(work, { recursive: true, force: true }));

const packages = (opensslVersion: string): TestDeb[] => [
  { name: 'libssl3', version: opensslVersion, source: `openssl (${opensslVersion})` },
  { name: 'openssl', version: opensslVersion },
  { name: 'base-files', version: '12.4+deb12u5' },
];

/** Refused with `code`, naming `file` (the input ends with it) and `link` (the message says it). */
function refused(code: Parameters<typeof isSgciError>[1], file: string, link: RegExp) {
  return (error: unknown) => {
    assert.ok(isSgciError(error, code), `expected ${code}, got ${String(error)}`);
    assert.ok(error.input.endsWith(file), `${error.input} names ${file}`);
    assert.match(error.message, link);
    return true;
  };
}

test('a Debian fix counts from its first observation in the suite; an unsigned or tampered index is refused', async () => {
  const key = await makeTestKey(work, 'archive');
  const stranger = await makeTestKey(work, 'stranger');
  const keys = [{ file: key.file, fingerprint: key.fingerprint }];
  const first = await buildDebianRepo(join(work, 'u1'), key, {
    suite: 'bookworm',
    packages: packages('3.0.11-1~deb12u1'),
  });
  const second = await buildDebianRepo(join(work, 'u2'), key, {
    suite: 'bookworm',
    packages: packages('3.0.11-1~deb12u2'),
  });
  await using mirror1 = await serveDirectory(first.dir);
  await using mirror2 = await serveDirectory(second.dir);
  const store = await openStore({ dataDir: 'memory://', databaseUrl: '' });
  try {
    // the Release is dated when the test made it: the clock starts after that, on the hour
    const start = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
    const clock = new TestClock(new Date(start).toISOString());
    const deps = { monitor: store.monitor, clock: clock.now };
    assert.deepEqual(await observeDebianIndex(deps, mirror1.url, 'bookworm', { keys }), {
      suite: 'bookworm',
      versions: 2,
      added: 2,
      signer: key.fingerprint,
    });
    clock.advance(36 * 3_600_000);
    assert.deepEqual(await observeDebianIndex(deps, mirror2.url, 'bookworm', { keys }), {
      suite: 'bookworm',
      versions: 2,
      added: 1,
      signer: key.fingerprint,
    });

    // the signed InRelease names each index's sha256: a changed Packages.gz (the form read) is refused
    const index = join(second.dir, 'dists/bookworm/main/binary-amd64/Packages.gz');
    const original = await readFile(index);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 1;
    await writeFile(index, tampered);
    await assert.rejects(
      observeDebianIndex(deps, mirror2.url, 'bookworm', { keys }),
      refused('DIGEST_MISMATCH', '/dists/bookworm/main/binary-amd64/Packages.gz', /InRelease/),
    );
    await writeFile(index, original);

    const inRelease = join(second.dir, 'dists/bookworm/InRelease');
    const signed = await readFile(inRelease, 'utf8');
    // a signed text changed after signing (another sha256 for the index) fails the signature
    await writeFile(inRelease, signed.replace(/^ [0-9a-f]{8}/m, ' 00000000'));
    await assert.rejects(
      observeDebianIndex(deps, mirror2.url, 'bookworm', { keys }),
      refused('SIGNATURE_INVALID', '/dists/bookworm/InRelease', /signature/),
    );
    // signed by a key that is not pinned
    await second.sign(stranger);
    await assert.rejects(
      observeDebianIndex(deps, mirror2.url, 'bookworm', { keys }),
      refused('SIGNATURE_INVALID', '/dists/bookworm/InRelease', /unknown key/),
    );
    // unsigned: a mirror without InRelease (the bare Release is never read)
    await rm(inRelease);
    await assert.rejects(
      observeDebianIndex(deps, mirror2.url, 'bookworm', { keys }),
      refused('REPOSITORY_INVALID', '/dists/bookworm/InRelease', /no InRelease/),
    );
    // a pinned fingerprint the key file does not hold
    await assert.rejects(
      observeDebianIndex(deps, mirror1.url, 'bookworm', {
        keys: [{ file: key.file, fingerprint: stranger.fingerprint }],
      }),
      refused('KEY_INVALID', key.file, /fingerprint/),
    );
    await assert.rejects(observeDebianIndex(deps, mirror1.url, '../etc', { keys }), (error) =>
      isSgciError(error, 'USAGE'),
    );
    for (const url of ['not a url', 'file:///srv/debian']) {
      await assert.rejects(observeDebianIndex(deps, url, 'bookworm', { keys }), (error) => isSgciError(error, 'USAGE'));
    }
    assert.equal(
      (await observeDebianIndex(deps, mirror1.url, 'bookworm', { keys })).added,
      0,
      'the refused observations recorded nothing',
    );

    // a tag whose move fixed a HIGH finding of openssl a day after the fixed version reached bookworm
    const watched = watchKeyOf('registry.example/base/debian:12');
    await store.monitor.addWatch(watched, 3600, clock.now());
    const [watch] = await store.monitor.watches();
    const row = {
      ...watched,
      platformDigest: 'sha256:m',
      configDigest: 'sha256:c',
      diffIds: [],
      source: 'head' as const,
    };
    const at = (hours: number) => new Date(start + hours * 3_600_000).toISOString();
    await store.monitor.append(watch?.id ?? 0, { ...row, digest: 'sha256:a', firstSeen: at(-24 * 30), change: null });
    const fixed = {
      id: 'CVE-2026-0001',
      package: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl',
      severity: 'HIGH',
      fixAvailableAt: at(-24 * 60),
      fixedVersions: ['3.0.11-1~deb12u2'],
      source: 'openssl',
    };
    await store.monitor.append(watch?.id ?? 0, {
      ...row,
      digest: 'sha256:b',
      firstSeen: at(60),
      change: {
        kind: 'packages-changed',
        sbom: { added: [], removed: [], upgraded: [] },
        vulns: { fixed: [fixed], introduced: [] },
      },
    });
    clock.advance(2 * 86_400_000);
    const report = await tagReport(
      { monitor: store.monitor, clock: clock.now, sla: slaPolicyOf(defaultPolicy) },
      watched,
    );
    const [patched] = report.patched;
    assert.equal(patched?.fixAvailableAt, at(36), 'the index observation, not the advisory date');
    assert.equal(patched?.fixAvailableFrom, 'package-index');
    assert.equal(patched?.hours, 24);
    assert.equal(patched?.withinSla, true, 'HIGH: within seven days of reaching the suite');
  } finally {
    await store.close();
  }
});

test('sgci monitor debian-index --key FILE=FINGERPRINT observes a signed suite and refuses a foreign signer', async () => {
  const key = await makeTestKey(work, 'cli');
  const repo = await buildDebianRepo(join(work, 'cli-repo'), key, {
    suite: 'bookworm',
    packages: packages('3.0.11-1~deb12u1'),
  });
  await using mirror = await serveDirectory(repo.dir);
  const env = { env: { SGCI_HOME: join(work, 'cli-home') }, unset: ['DATABASE_URL'] };
  const args = ['monitor', 'debian-index', 'bookworm', '--mirror', mirror.url];
  const ok = await runSgci([...args, '--key', `${key.file}=${key.fingerprint}`], env);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(
    ok.stdout,
    `bookworm: 2 source versions, 2 seen for the first time (InRelease signed by ${key.fingerprint})\n`,
  );
  const other = await makeTestKey(work, 'cli-other');
  await repo.sign(other);
  const refusedRun = await runSgci([...args, '--key', `${key.file}=${key.fingerprint}`], env);
  assert.notEqual(refusedRun.code, 0);
  assert.match(refusedRun.stderr, /dists\/bookworm\/InRelease.*signature not trusted/);
  const malformed = await runSgci([...args, '--key', key.file], env);
  assert.match(malformed.stderr, /--key.*FILE=FINGERPRINT/);
});

const systemKeys = defaultDebianKeys();
test('the default keys: each debian-archive-keyring file present holds the fingerprint sgci pins for it', {
  skip: systemKeys.length === 0 ? 'debian-archive-keyring is not installed here' : false,
}, async () => {
  const keys = await loadPinnedKeys(systemKeys);
  assert.deepEqual(
    keys.map((k) => k.getFingerprint()),
    systemKeys.map((k) => k.fingerprint.toLowerCase()),
  );
});
