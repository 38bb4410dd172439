import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { parseOsRelease } from '../distro/os-release.ts';
import { dpkgSharedList } from '../testdata/hostile.ts';
import { dirItems, fileItem, memoryTree } from '../testdata/tree.ts';
import { dpkgCataloger } from './cataloger.ts';
import { parseDpkgStatus, parseList, parseMd5sums } from './parse-status.ts';

const debian = join(corpusDir(), 'packages', 'debian');

interface TrivyPkg {
  Name: string;
  Version: string;
  Epoch?: number;
  Release?: string;
  SrcName?: string;
  SrcVersion?: string;
  SrcEpoch?: number;
  SrcRelease?: string;
}

function trivyVersion(epoch: number | undefined, version: string, release: string | undefined): string {
  return `${epoch ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
}

for (const name of ['trivy-dpkg-valid', 'trivy-dpkg-third-party', 'trivy-dpkg-corrupsed']) {
  test(`dpkg status ${name}: every package of trivy's expectation, with source name and version`, () => {
    const expected = JSON.parse(readFileSync(join(debian, name, 'expected.json'), 'utf8'));
    const parsed = parseDpkgStatus(readFileSync(join(debian, name, 'var/lib/dpkg/status'), 'utf8'));
    const got = parsed.map((p) => `${p.package} ${p.version} ${p.sourceName} ${p.sourceVersion}`).sort();
    const want = (expected.packages as TrivyPkg[])
      .map((p) => {
        // trivy splits versions into epoch/version/release; we keep dpkg's full version string
        const v = trivyVersion(p.Epoch, p.Version, p.Release);
        const sv = trivyVersion(p.SrcEpoch, p.SrcVersion ?? p.Version, p.SrcRelease);
        return `${p.Name} ${v} ${p.SrcName ?? p.Name} ${sv}`;
      })
      .sort();
    assert.equal(parsed.length, expected.package_count);
    assert.deepEqual(got, want);
  });
}

test('dpkg image-dpkg rootfs: libpam-runtime with syft purl, licenses from copyright, files from md5sums', async () => {
  const root = join(debian, 'syft-image-dpkg', 'rootfs');
  const expected = JSON.parse(readFileSync(join(debian, 'syft-image-dpkg', 'expected.json'), 'utf8'));
  const fs = memoryTree(dirItems(root));
  const distro = parseOsRelease(readFileSync(join(root, 'etc/os-release'), 'utf8'));
  const needs = dpkgCataloger.needs();
  const out = await needs.catalog({ fs, limits: defaultLimits, ...(distro ? { distro } : {}) });
  assert.equal(out.packages.length, 1);
  const pkg = out.packages[0];
  assert.ok(pkg);
  const want = expected.packages[0];
  assert.equal(pkg.name, want.Name);
  assert.equal(pkg.version, want.Version);
  assert.equal(pkg.purl, want.PURL);
  // Debian short names become SPDX ids (GPL-2 -> GPL-2.0-only): the SBOM formats want SPDX
  assert.deepEqual(pkg.licenses, ['GPL-1.0-only', 'GPL-2.0-only', 'LGPL-2.1-only']);
  assert.equal(pkg.metadata.kind, 'deb');
  if (pkg.metadata.kind === 'deb') {
    assert.equal(pkg.metadata.sourceName, 'pam');
    assert.equal(pkg.metadata.files?.filter((f) => f.digest).length, want.Metadata.FileCount);
  }
  assert.deepEqual(out.unknowns, []);
});

test('dpkg distroless status.d: libsqlite3-0 with source sqlite3, arm64, copyright licenses', async () => {
  const root = join(debian, 'syft-image-distroless-deb', 'rootfs');
  const fs = memoryTree(dirItems(root));
  const out = await dpkgCataloger.needs().catalog({ fs, limits: defaultLimits });
  assert.equal(out.packages.length, 1);
  const pkg = out.packages[0];
  assert.ok(pkg);
  assert.equal(pkg.name, 'libsqlite3-0');
  assert.equal(pkg.version, '3.34.1-3');
  assert.equal(pkg.purl, 'pkg:deb/debian/libsqlite3-0@3.34.1-3?arch=arm64&upstream=sqlite3');
  assert.deepEqual(pkg.licenses, ['GPL-2.0-only', 'GPL-2.0-or-later', 'public-domain']);
  assert.ok(pkg.metadata.kind === 'deb' && pkg.metadata.files && pkg.metadata.files.length > 0);
});

test('dpkg status.d: single and multiple files, deinstall yields nothing installed', () => {
  const multiple = parseDpkgStatus(
    readFileSync(join(debian, 'syft-status.d-multiple/var/lib/dpkg/status.d/multiple'), 'utf8'),
  );
  // syft keeps the stanza "no-version" as raw metadata; without a version it is no installed package
  assert.deepEqual(
    multiple.map((p) => `${p.package}@${p.version}`),
    ['tzdata@2020a-0+deb10u1', 'util-linux@2.33.1-0.1'],
  );
  const single = parseDpkgStatus(
    readFileSync(join(debian, 'syft-status.d-single/var/lib/dpkg/status.d/single'), 'utf8'),
  );
  const want = JSON.parse(readFileSync(join(debian, 'syft-status.d-single/expected.json'), 'utf8'));
  assert.deepEqual(
    single.map((p) => [p.package, p.version]),
    want.packages.map((p: { Package: string; Version: string }) => [p.Package, p.Version]),
  );
  // the second stanza's Status "deinstall ok config-files" means not installed: only the first counts
  const deinstall = parseDpkgStatus(
    readFileSync(join(debian, 'syft-status.d-deinstall/var/lib/dpkg/status.d/deinstall'), 'utf8'),
  );
  assert.deepEqual(
    deinstall.map((p) => [p.package, p.version]),
    [['linux-image-6.14.0-1012-aws', '6.14.0-1012.12~24.04.1']],
  );
});

test('each info list belongs to one package instance, as dpkg-query -L reads a multiarch database', async () => {
  const stanza = (name: string, arch: string, multiArch?: string) =>
    `Package: ${name}\nStatus: install ok installed\nVersion: 1.0\nArchitecture: ${arch}\nMaintainer: m\n${multiArch ? `Multi-Arch: ${multiArch}\n` : ''}Description: d\n`;
  const files: Record<string, string> = {
    status: [stanza('libfoo', 'amd64', 'same'), stanza('libfoo', 'i386', 'same'), stanza('tool', 'amd64')].join('\n'),
    'info/format': '1\n',
    'info/libfoo:amd64.list': '/usr/lib/x86_64-linux-gnu/libfoo.so.1\n',
    'info/libfoo:i386.list': '/usr/lib/i386-linux-gnu/libfoo.so.1\n',
    'info/tool.list': '/usr/bin/tool\n/usr/share/doc/tool/copyright\n',
  };
  const admin = mkdtempSync(join(tmpdir(), 'sgci-dpkg-'));
  try {
    mkdirSync(join(admin, 'info'));
    for (const [path, content] of Object.entries(files)) writeFileSync(join(admin, path), content);
    const fs = memoryTree(Object.entries(files).map(([path, content]) => fileItem(`/var/lib/dpkg/${path}`, content)));
    const out = await dpkgCataloger.needs().catalog({ fs, limits: defaultLimits });
    for (const pkg of out.packages) {
      const arch = pkg.metadata.kind === 'deb' ? pkg.metadata.architecture : '';
      const dpkg = spawnSync('dpkg-query', [`--admindir=${admin}`, '-L', `${pkg.name}:${arch}`], { encoding: 'utf8' });
      assert.equal(dpkg.status, 0, dpkg.stderr);
      const want = dpkg.stdout.split('\n').filter(Boolean).sort();
      const got = pkg.metadata.kind === 'deb' ? (pkg.metadata.files ?? []).map((f) => f.path) : [];
      assert.deepEqual(got, want, `${pkg.name}:${arch}`);
    }
  } finally {
    rmSync(admin, { recursive: true, force: true });
  }
});

for (const architectures of [false, true]) {
  test(`5000 stanzas of one name${architectures ? ', each of its own architecture,' : ''} sharing a 100000-line list: the list is attached once`, {
    timeout: 60_000,
  }, async () => {
    const { status, list } = dpkgSharedList(5000, 100_000, architectures);
    const fs = memoryTree([fileItem('/var/lib/dpkg/status', status), fileItem('/var/lib/dpkg/info/shared.list', list)]);
    const out = await dpkgCataloger.needs().catalog({ fs, limits: defaultLimits });
    assert.equal(out.packages.length, 5000);
    const sizes = out.packages.map((p) => (p.metadata.kind === 'deb' ? (p.metadata.files?.length ?? 0) : 0));
    // the first stanza owns the list (plus its conffile); every other one only its own conffile
    assert.equal(sizes.filter((n) => n === 100_001).length, 1);
    assert.equal(sizes.filter((n) => n === 1).length, 4999);
  });
}

test('owned paths come out absolute, without a leading ./ or trailing slashes, however the lists write them', () => {
  assert.deepEqual(parseList('/.\n/usr\n/usr/share/\n./etc/x\nusr/bin/y//\n/./lib/z\n//\n'), [
    '/usr',
    '/usr/share',
    '/etc/x',
    '/usr/bin/y',
    '/lib/z',
    '/',
  ]);
  const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
  assert.deepEqual(
    parseMd5sums(`${md5}  usr/bin/a\n${md5.toUpperCase()}  ./usr/bin/b\n${md5}  /usr/bin/c/\nnot a line\n`).map(
      (f) => f.path,
    ),
    ['/usr/bin/a', '/usr/bin/b', '/usr/bin/c'],
  );
});
