import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSgciError, withLimits } from '../../core/index.ts';
import { parseBuildConfig } from '../config.ts';
import { declaredSbom } from '../sbom/index.ts';
import {
  caToolMissing,
  dpkgDebAvailable,
  handMadeDeb,
  layoutFile,
  makeDeb,
  staticBuildYaml,
  staticLikeDebs,
  tarListing,
  updateCaCertificates,
} from '../testing.ts';
import { assembleImage } from './assemble.ts';

const skip = dpkgDebAvailable ? false : 'dpkg-deb is not installed (apt-get install dpkg)';

async function build(yamlExtra = '', layers = 'single') {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const packages = await staticLikeDebs(debs);
  const config = parseBuildConfig(staticBuildYaml(`layers:\n  strategy: ${layers}\n${yamlExtra}`), 'static.yaml');
  const layout = join(mkdtempSync(join(tmpdir(), 'sgci-layout-')), 'oci');
  const built = await assembleImage(config, [{ platform: 'linux/amd64', packages }], { layout, baseDir: debs });
  return { built, layout, packages, debs, config };
}

test('the static-like set assembles into a tar GNU tar reads: sorted, parents first, clamped, numeric owners', {
  skip,
}, async () => {
  const { built, layout } = await build();
  const lines = tarListing(layout);
  const paths = lines.map((l) => l.split(' ').slice(5).join(' ').split(' -> ')[0]?.split(' link to ')[0] ?? '');
  assert.deepEqual(
    paths,
    [...paths].sort((a, b) => (a.replaceAll('/', '\0') < b.replaceAll('/', '\0') ? -1 : 1)),
  );
  for (const [i, path] of paths.entries()) {
    const parent = path.replace(/\/?[^/]+\/?$/, '/');
    if (parent !== '/') assert.ok(paths.slice(0, i).includes(parent), `${path} comes after its parent ${parent}`);
  }
  // every mtime at or before the epoch (2025-01-01), owners numeric
  for (const line of lines) {
    const [, owner, , date] = line.split(' ');
    assert.match(owner ?? '', /^\d+\/\d+$/);
    assert.ok((date ?? '') <= '2025-01-01', line);
  }
  const byPath = (p: string) => lines.find((l) => l.endsWith(` ${p}`) || l.includes(` ${p} `)) ?? '';
  assert.match(byPath('tmp/'), /^drwxrwxrwt 0\/0 /);
  assert.match(byPath('var/mail/'), /^drwxrwsr-x 0\/0 /);
  assert.match(byPath('home/nonroot/'), /^drwxrwx--- 65532\/0 /);
  // merged /usr: /lib64's link moved below /usr, the top-level links made
  assert.match(byPath('lib'), /^lrwxrwxrwx 0\/0 0 \S+ \S+ lib -> usr\/lib$/);
  assert.match(byPath('lib64'), /lib64 -> usr\/lib64$/);
  assert.match(byPath('usr/lib/x86_64-linux-gnu/libsgci.so.0'), /^-rw-r--r-- /);
  // the hardlink is kept; the first in order carries the bytes
  assert.match(byPath('usr/share/zoneinfo/posix/Europe/Berlin'), /link to usr\/share\/zoneinfo\/Europe\/Berlin$/);
  // the tzdata filter dropped Etc/UTC but kept the copyright file
  assert.equal(byPath('usr/share/zoneinfo/Etc/UTC'), '');
  assert.notEqual(byPath('usr/share/doc/tzdata/copyright'), '');
  assert.equal(built.report.platforms[0]?.packages.find((p) => p.name === 'tzdata')?.excluded, 2);
  assert.match(layoutFile(layout, 'etc/passwd'), /^root:x:0:0:root:\/root:\/sbin\/nologin\nnonroot:x:65532:65532:/);
  assert.match(layoutFile(layout, 'etc/group'), /^root:x:0:\nnonroot:x:65532:\nnobody:x:65534:\n$/);
  assert.match(layoutFile(layout, 'usr/lib/os-release'), /^PRETTY_NAME="sgci static \(Debian 12\)"\nNAME=/);
  assert.match(layoutFile(layout, 'var/lib/dpkg/status.d/libsgci0'), /^Package: libsgci0\nSource: sgci-lib\n/);
  assert.match(
    layoutFile(layout, 'var/lib/dpkg/status.d/tzdata.md5sums'),
    /^[0-9a-f]{32} {2}usr\/share\/doc\/tzdata\/copyright$/m,
  );
  assert.doesNotMatch(layoutFile(layout, 'var/lib/dpkg/status.d/tzdata.md5sums'), /Etc\/UTC/);
});

test('the build report lists every maintainer script it did not run and every file it wrote', { skip }, async () => {
  const { built } = await build();
  const report = built.report.platforms[0];
  assert.ok(report);
  assert.deepEqual(
    report.maintainerScripts.map((s) => `${s.package}: ${s.scripts.join(',')}`),
    ['base-files: postinst', 'ca-certificates: postinst', 'tzdata: config,postinst'],
  );
  assert.match(report.maintainerScripts[1]?.effect ?? '', /update-ca-certificates/);
  const written = report.synthesized.map((s) => s.path);
  for (const path of ['/etc/passwd', '/etc/group', '/tmp', '/etc/nsswitch.conf', '/etc/ssl/certs/ca-certificates.crt'])
    assert.ok(written.includes(path), path);
  assert.deepEqual(report.synthesized.find((s) => s.path === '/usr/lib/os-release')?.replaced, ['base-files']);
  assert.deepEqual(report.mergedUsrLinks, ['bin', 'sbin', 'lib', 'lib64']);
  assert.deepEqual(
    report.policy.map((p) => `${p.rule}:${p.violations.length}`),
    ['non-root:0', 'no-shell:0', 'no-package-manager:0', 'no-setuid:0'],
  );
});

test('the CA bundle and the hash links are what the real update-ca-certificates (and openssl rehash) write', {
  skip: skip || caToolMissing,
}, async () => {
  const { layout, debs } = await build();
  const real = updateCaCertificates(
    join(debs, 'ca-certificates_20230311+deb12u1_all.deb'),
    layoutFile(layout, 'etc/ca-certificates.conf'),
  );
  assert.equal(layoutFile(layout, 'etc/ssl/certs/ca-certificates.crt'), real.bundle);
  const pems = real.links;
  assert.deepEqual(pems, ['sgci_Other_=Root=__2026.pem', 'sgci_Test_Root.pem']);
  const listing = tarListing(layout).filter((l) => /etc\/ssl\/certs\/\S+\.pem /.test(l));
  assert.deepEqual(
    listing.map((l) => /etc\/ssl\/certs\/(\S+)/.exec(l)?.[1]),
    pems,
  );
  const hashLinks = tarListing(layout)
    .map((l) => /etc\/ssl\/certs\/([0-9a-f]{8}\.\d+ -> \S+)$/.exec(l)?.[1])
    .filter((l) => l !== undefined);
  assert.equal(real.hashLinks.length, 2);
  assert.deepEqual(hashLinks, real.hashLinks);
});

test('two packages shipping one path differently is an error naming both; identical is fine', { skip }, async () => {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const a = makeDeb(debs, {
    name: 'pkg-a',
    files: [
      { path: 'etc/shared.conf', content: 'a\n' },
      { path: 'etc/same', content: 'same\n' },
    ],
  });
  const b = makeDeb(debs, {
    name: 'pkg-b',
    files: [
      { path: 'etc/shared.conf', content: 'b\n' },
      { path: 'etc/same', content: 'same\n' },
    ],
  });
  const c = makeDeb(debs, { name: 'pkg-c', files: [{ path: 'etc/same', content: 'same\n' }] });
  const config = parseBuildConfig(staticBuildYaml(), 'static.yaml');
  const layout = join(debs, 'oci');
  await assert.rejects(
    assembleImage(config, [{ platform: 'linux/amd64', packages: [a, b] }], { layout, baseDir: debs }),
    (e) => isSgciError(e, 'CONFLICT') && /\/etc\/shared\.conf is shipped by pkg-a and by pkg-b/.test(e.message),
  );
  await assembleImage(config, [{ platform: 'linux/amd64', packages: [a, c] }], { layout, baseDir: debs });
  await assert.rejects(
    assembleImage(config, [{ platform: 'linux/amd64', packages: [a, c, a] }], { layout, baseDir: debs }),
    (e) => isSgciError(e, 'CONFLICT') && /^linux\/amd64: package pkg-a is given twice/.test(e.message),
  );
});

test('device nodes are skipped, setuid files refused unless allowed, a changed .deb refused before it is opened', {
  skip,
}, async () => {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const suid = makeDeb(debs, { name: 'suid', files: [{ path: 'usr/lib/suid/helper', content: 'x', mode: 0o4755 }] });
  const config = parseBuildConfig(staticBuildYaml(), 'static.yaml');
  const layout = join(debs, 'oci');
  await assert.rejects(
    assembleImage(config, [{ platform: 'linux/amd64', packages: [suid] }], { layout, baseDir: debs }),
    (e) => isSgciError(e, 'BUILD_REFUSED') && /no-setuid \(\/usr\/lib\/suid\/helper\)/.test(e.message),
  );
  const allowed = parseBuildConfig(staticBuildYaml('policy:\n  allowSetuid: [/usr/lib/suid/helper]\n'), 'static.yaml');
  const built = await assembleImage(allowed, [{ platform: 'linux/amd64', packages: [suid] }], {
    layout,
    baseDir: debs,
  });
  assert.deepEqual(built.report.platforms[0]?.setuid, [
    { package: 'suid', path: '/usr/lib/suid/helper', mode: '4755' },
  ]);
  await assert.rejects(
    assembleImage(config, [{ platform: 'linux/amd64', packages: [{ ...suid, sha256: '0'.repeat(64) }] }], {
      layout,
      baseDir: debs,
    }),
    (e) => isSgciError(e, 'DIGEST_MISMATCH') && /^suid_1\.0-1_amd64\.deb: sha256 /.test(e.message),
  );
  const shell = makeDeb(debs, {
    name: 'dash',
    files: [
      { path: 'bin/sh', symlink: 'dash' },
      { path: 'bin/dash', content: 'ELF', mode: 0o755 },
    ],
  });
  await assert.rejects(
    assembleImage(config, [{ platform: 'linux/amd64', packages: [shell] }], { layout, baseDir: debs }),
    (e) => isSgciError(e, 'BUILD_REFUSED') && /no-shell \(\/usr\/bin\/sh, \/usr\/bin\/dash\)/.test(e.message),
  );
});

test('packages-and-files puts accounts and extra files in a second layer; an extra file must match its sha256', {
  skip,
}, async () => {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  writeFileSync(join(debs, 'app.txt'), 'hello\n');
  const sum = '1'.repeat(64);
  const wrong = `files:\n  - path: /app/app.txt\n    source: app.txt\n    sha256: '${sum}'\n`;
  const packages = await staticLikeDebs(debs);
  const layout = join(debs, 'oci');
  await assert.rejects(
    assembleImage(parseBuildConfig(staticBuildYaml(wrong), 's.yaml'), [{ platform: 'linux/amd64', packages }], {
      layout,
      baseDir: debs,
    }),
    (e) => isSgciError(e, 'DIGEST_MISMATCH') && e.message.includes('app.txt'),
  );
  const right = `files:\n  - path: /app/app.txt\n    source: app.txt\n    sha256: 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n    mode: '0444'\nlayers:\n  strategy: packages-and-files\n`;
  const built = await assembleImage(
    parseBuildConfig(staticBuildYaml(right), 's.yaml'),
    [{ platform: 'linux/amd64', packages }],
    { layout, baseDir: debs },
  );
  const layers = built.report.platforms[0]?.layers ?? [];
  assert.equal(layers.length, 2);
  const listing = tarListing(layout);
  assert.ok(listing.some((l) => /^-r--r--r-- 0\/0 6 .* app\/app\.txt$/.test(l)));
});

test('a package entry that climbs out with .. or names an absolute path is refused, naming package and entry', {
  skip,
}, async () => {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const config = parseBuildConfig(staticBuildYaml(), 'static.yaml');
  const layout = join(debs, 'oci');
  for (const [name, path] of [
    ['climb', './usr/../../etc/evil'],
    ['absolute', '/etc/evil'],
  ] as const) {
    const pkg = await handMadeDeb(debs, name, [{ path, content: 'x' }]);
    await assert.rejects(
      assembleImage(config, [{ platform: 'linux/amd64', packages: [pkg] }], { layout, baseDir: debs }),
      (e) => isSgciError(e, 'ARCHIVE_INVALID') && e.message.startsWith(`${name}_1_amd64.deb: entry "${path}" leaves`),
    );
  }
  const link = await handMadeDeb(debs, 'link', [
    { path: './usr/bin/x', type: 'hardlink', linkTarget: '../etc/shadow' },
  ]);
  await assert.rejects(
    assembleImage(config, [{ platform: 'linux/amd64', packages: [link] }], { layout, baseDir: debs }),
    (e) => isSgciError(e, 'ARCHIVE_INVALID') && /leaves the package's root/.test(e.message),
  );
});

test('device nodes and FIFOs in a package are skipped and reported, never written', { skip }, async () => {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const pkg = await handMadeDeb(debs, 'devices', [
    { path: './dev/', type: 'dir' },
    { path: './dev/null', type: 'char' },
    { path: './dev/sda', type: 'block' },
    { path: './run/fifo', type: 'fifo' },
    { path: './etc/devices.conf', content: 'kept\n' },
  ]);
  const layout = join(debs, 'oci');
  const config = parseBuildConfig(staticBuildYaml(), 'static.yaml');
  const built = await assembleImage(config, [{ platform: 'linux/amd64', packages: [pkg] }], { layout, baseDir: debs });
  assert.deepEqual(
    built.report.platforms[0]?.packages[0]?.skipped.map((s) => s.path),
    ['/dev/null', '/dev/sda', '/run/fifo'],
  );
  const listing = tarListing(layout);
  assert.ok(listing.some((l) => l.endsWith(' etc/devices.conf')));
  assert.ok(!listing.some((l) => /^[cbp]/.test(l)), listing.join('\n'));
});

test('packages that unpack to more than the image limit are refused, naming the package that crossed it', {
  skip,
}, async () => {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const big = makeDeb(debs, { name: 'big', files: [{ path: 'usr/share/big', content: Buffer.alloc(4096) }] });
  const config = parseBuildConfig(staticBuildYaml(), 'static.yaml');
  await assert.rejects(
    assembleImage(config, [{ platform: 'linux/amd64', packages: [big] }], {
      layout: join(debs, 'oci'),
      baseDir: debs,
      limits: withLimits({ maxImageBytes: 1024 }),
    }),
    (e) => isSgciError(e, 'LIMIT_EXCEEDED') && e.message.startsWith('big_1.0-1_amd64.deb: the packages unpack to more'),
  );
});

test('the SBOM made from the build’s one read of each .deb equals the one made by reading them again', {
  skip,
}, async () => {
  const { built, packages, config } = await build();
  const report = built.report.platforms[0];
  assert.ok(report);
  const input = { platform: 'linux/amd64' as const, packages };
  assert.deepEqual(
    await declaredSbom(config, input, report, built.described),
    await declaredSbom(config, input, report),
  );
  for (const pkg of packages) {
    const kept = built.described.get(pkg.sha256)?.entries.map((e) => e.header.path) ?? [];
    assert.ok(
      kept.every((p) => /(?:\/copyright|os-release)$/.test(p)),
      `${pkg.name}: only describing files kept, not ${kept.join(', ')}`,
    );
  }
});

test('a package every platform has is read once for all of them: the image is the same as with each read again', {
  skip,
}, async () => {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const data = makeDeb(debs, { name: 'data', arch: 'all', files: [{ path: 'usr/share/data/x', content: 'shared\n' }] });
  const amd64 = makeDeb(debs, { name: 'tool', files: [{ path: 'usr/lib/tool/amd64', content: 'a' }] });
  const arm64 = makeDeb(debs, { name: 'tool', arch: 'arm64', files: [{ path: 'usr/lib/tool/arm64', content: 'b' }] });
  const config = parseBuildConfig(staticBuildYaml(), 'static.yaml');
  const build = (second: typeof data) =>
    assembleImage(
      config,
      [
        { platform: 'linux/amd64', packages: [data, amd64] },
        { platform: 'linux/arm64', packages: [second, arm64] },
      ],
      { layout: join(mkdtempSync(join(tmpdir(), 'sgci-layout-')), 'oci'), baseDir: debs },
    );
  const once = await build({ ...data, debPath: join(debs, 'gone.deb') });
  // the second platform's entry names a file that is not there: only the first platform's read can have served it
  assert.equal(once.report.platforms[1]?.packages.find((p) => p.name === 'data')?.kept, 1);
  // and the image is the one a build whose second entry names a real copy gives
  const copy = join(debs, 'copy.deb');
  writeFileSync(copy, readFileSync(data.debPath));
  assert.equal((await build({ ...data, debPath: copy })).digest, once.digest);
});
