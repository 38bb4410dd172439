import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recursiveView, rpmdbSqlite } from '../../catalog/testdata/hostile.ts';
import { dirItems, fileItem, memoryTree } from '../../catalog/testdata/tree.ts';
import type { ImageFilesystem } from '../../oci/types.ts';
import { createDigestSink } from '../facts/file-digests.ts';
import { digestsInOrder, type TestFile, testContext } from '../testing.ts';
import { comp003 } from './comp-003-checksums-verified.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha1b64 = (s: string) => createHash('sha1').update(s).digest('base64');

/** The digests of a pass meeting `files` in path order, as a single-layer tar lists them. */
function digestsOf(files: TestFile[]) {
  return digestsInOrder([...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
}

test('a file changed after installation is a mismatch naming path, layer and the md5sums file', async () => {
  const files: TestFile[] = [
    { path: '/usr/bin/tool', content: 'patched', layer: 2 },
    { path: '/usr/share/doc/tool/README', content: 'docs' },
    {
      path: '/var/lib/dpkg/info/tool.md5sums',
      content: `${md5('original')}  usr/bin/tool\n${md5('docs')}  usr/share/doc/tool/README\n`,
    },
  ];
  const { fs, fileDigests } = await digestsOf(files);
  const result = await comp003.evaluate(testContext({ fs, fileDigests }));
  assert.equal(result.status, 'fail');
  assert.ok(
    result.evidence?.some(
      (e) => e.kind === 'file' && e.path === '/usr/bin/tool' && e.layer === 2 && e.message?.includes('tool.md5sums'),
    ),
  );
  assert.match(result.evidence?.[0]?.message ?? '', /^1 files verified against 2/);
});

test('apk Z: sha1 checksums are verified too', async () => {
  const files: TestFile[] = [
    { path: '/bin/busybox', content: 'bb' },
    { path: '/lib/apk/db/installed', content: `P:busybox\nV:1.36\nF:bin\nR:busybox\nZ:Q1${sha1b64('bb')}\n\n` },
  ];
  const { fs, fileDigests } = await digestsOf(files);
  const result = await comp003.evaluate(testContext({ fs, fileDigests }));
  assert.equal(result.status, 'pass');
  assert.match(result.evidence?.[0]?.message ?? '', /^1 files verified/);
});

test('no package database with checksums is not-applicable, never a pass', async () => {
  const { fs, fileDigests } = await digestsOf([{ path: '/app/server', content: 'x' }]);
  assert.equal((await comp003.evaluate(testContext({ fs, fileDigests }))).status, 'not-applicable');
});

test('the digest sink skips paths no package manager installs to, and hashes files of any size', async () => {
  const d = createDigestSink();
  const entry = (path: string, size: number) => ({
    path,
    size,
    type: 'file' as const,
    mode: 0o644,
    uid: 0,
    gid: 0,
    layer: 0,
  });
  assert.equal(d.sink.open(entry('/app/node_modules/x/index.js', 5)), undefined);
  assert.equal(d.sink.open(entry('/usr/local/lib/python3.11/site.py', 5)), undefined);
  const big = d.sink.open(entry('/usr/lib/big', 200 * 1024 * 1024));
  assert.ok(big);
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const whole = createHash('md5');
  for (let i = 0; i < 200; i++) {
    big.write(chunk);
    whole.update(chunk);
  }
  big.end();
  assert.equal((await d.result()).md5.get('0:/usr/lib/big'), whole.digest('hex'));
});

test('the digest sink finds the files of each layer by path, the later of a path written twice in one layer', async () => {
  const d = createDigestSink({ inThread: true });
  const write = (path: string, layer: number, content: string) => {
    const writer = d.sink.open({ path, size: content.length, type: 'file', mode: 0o644, uid: 0, gid: 0, layer });
    assert.ok(writer);
    writer.write(Buffer.from(content));
    writer.end();
  };
  write('/usr/bin/b', 0, 'b0');
  write('/usr/bin/a', 0, 'first');
  write('/usr/bin/c', 0, 'c0');
  write('/usr/bin/a', 0, 'second');
  write('/usr/bin/a', 1, 'upper');
  const { md5: digests } = await d.result();
  assert.equal(digests.get('0:/usr/bin/a'), md5('second'));
  assert.equal(digests.get('0:/usr/bin/b'), md5('b0'));
  assert.equal(digests.get('0:/usr/bin/c'), md5('c0'));
  assert.equal(digests.get('1:/usr/bin/a'), md5('upper'));
  for (const absent of ['0:/usr/bin/0', '0:/usr/bin/aa', '0:/usr/bin/d', '1:/usr/bin/b', '2:/usr/bin/a']) {
    assert.equal(digests.get(absent), undefined, absent);
  }
});

test('a mismatch stays a failure when md5sums is padded with 200000 more lines', { timeout: 60_000 }, async () => {
  const lines = [`${md5('original')}  usr/bin/tool`];
  for (let i = 0; i < 200_000; i++) lines.push(`${md5(String(i))}  usr/share/doc/pad/${i}`);
  const { fs, fileDigests } = await digestsOf([
    { path: '/usr/bin/tool', content: 'patched' },
    { path: '/var/lib/dpkg/info/tool.md5sums', content: lines.join('\n') },
  ]);
  const result = await comp003.evaluate(testContext({ fs, fileDigests }));
  assert.equal(result.status, 'fail');
  assert.match(
    result.evidence?.[0]?.message ?? '',
    /^0 files verified against 200001 recorded checksums; 1 mismatches/,
  );
});

/** An rpm built by rpmbuild and installed by rpm into a scratch root, as a RHEL-based image carries it. */
function installedRpm(dir: string, digestAlgorithm: number): string {
  const spec = join(dir, 'sgci-test.spec');
  writeFileSync(
    spec,
    `Name: sgci-test
Version: 1.0
Release: 1
Summary: COMP-003 test package
License: MIT
BuildArch: noarch
%description
COMP-003 test package
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/etc/sgci %{buildroot}/usr/share/doc/sgci-test %{buildroot}/var/log
echo tool > %{buildroot}/usr/bin/sgci-tool
echo other > %{buildroot}/usr/bin/sgci-other
echo unverified > %{buildroot}/usr/bin/sgci-unverified
echo conf > %{buildroot}/etc/sgci/sgci.conf
echo doc > %{buildroot}/usr/share/doc/sgci-test/README
ln -s sgci-tool %{buildroot}/usr/bin/sgci-link
%files
/usr/bin/sgci-tool
/usr/bin/sgci-other
/usr/bin/sgci-link
%verify(not md5 size mtime) /usr/bin/sgci-unverified
%config(noreplace) /etc/sgci/sgci.conf
%ghost /var/log/sgci.log
%doc /usr/share/doc/sgci-test/README
`,
  );
  const run = (command: string, args: string[]) => {
    const r = spawnSync(command, args, { encoding: 'utf8' });
    assert.equal(r.error, undefined, `${command} is installed by scripts/setup.sh (Debian's rpm)`);
    assert.equal(r.status, 0, `${command}: ${r.stderr}`);
    return r.stdout;
  };
  const top = join(dir, 'top');
  run('rpmbuild', [
    '-bb',
    '--define',
    `_topdir ${top}`,
    '--define',
    `_binary_filedigest_algorithm ${digestAlgorithm}`,
    spec,
  ]);
  const root = join(dir, 'root');
  mkdirSync(root);
  // --excludedocs as container builds install (microdnf --nodocs): the README is recorded as not installed
  run('rpm', [
    '--root',
    root,
    '--dbpath',
    '/var/lib/rpm',
    '--nodeps',
    '--noscripts',
    '--excludedocs',
    '-i',
    join(top, 'RPMS', 'noarch', 'sgci-test-1.0-1.noarch.rpm'),
  ]);
  // an installed file patched in place, and a configuration file changed as administrators do
  writeFileSync(join(root, 'usr/bin/sgci-tool'), 'patched\n');
  writeFileSync(join(root, 'etc/sgci/sgci.conf'), 'changed\n');
  writeFileSync(join(root, 'usr/bin/sgci-unverified'), 'changed\n');
  return root;
}

async function digestsOfTree(root: string) {
  const squashed = memoryTree(dirItems(root).filter((i) => !i.entry.path.includes('/rpmdb.sqlite-')));
  const fs: ImageFilesystem = { squashed, layer: () => squashed, hidden: [], deleted: [], warnings: [] };
  const d = createDigestSink();
  for (const entry of squashed.entries()) {
    const writer = d.sink.open(entry);
    writer?.write(await squashed.read(entry));
    writer?.end();
  }
  return { fs, fileDigests: await d.result() };
}

for (const [algorithm, id] of [
  ['sha256', 8],
  ['md5', 1],
] as const) {
  test(`rpm file digests (${algorithm}): the files rpm -V finds changed, less %config, fail the check`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgci-rpm-'));
    try {
      const root = installedRpm(dir, id);
      const verify = spawnSync('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-V', 'sgci-test'], {
        encoding: 'utf8',
      });
      // `S.5....T.  c /etc/sgci/sgci.conf`: the third column is the digest, `c` marks %config
      const changed = verify.stdout
        .split('\n')
        .map((line) => /^(\S{9})\s+(\S)?\s+(\/\S+)$/.exec(line))
        .filter((m) => m?.[1]?.[2] === '5' && m[2] !== 'c')
        .map((m) => m?.[3]);
      assert.deepEqual(changed, ['/usr/bin/sgci-tool']);

      const result = await comp003.evaluate(testContext(await digestsOfTree(root)));
      assert.equal(result.status, 'fail');
      assert.deepEqual(
        result.evidence?.filter((e) => e.kind === 'file').map((e) => (e.kind === 'file' ? e.path : '')),
        changed,
      );
      assert.match(
        result.evidence?.find((e) => e.kind === 'file')?.message ?? '',
        new RegExp(`^${algorithm} [0-9a-f]+ != [0-9a-f]+ recorded in /var/lib/rpm/rpmdb\\.sqlite \\(sgci-test\\)$`),
      );
      // sgci-other verified; the link, %ghost, the excluded README, %verify(not md5) and %config left out
      assert.match(
        result.evidence?.[0]?.message ?? '',
        /^1 files verified against 2 recorded checksums; 1 mismatches; 0 recorded files absent$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('rpm digests in an algorithm the pass does not take leave the check to a person, not a pass', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-rpm-'));
  try {
    const root = installedRpm(dir, 10);
    const result = await comp003.evaluate(testContext(await digestsOfTree(root)));
    assert.equal(result.status, 'manual');
    assert.equal(
      result.status === 'manual' ? result.reason : '',
      'the recorded digests use sha512, which sgci does not take',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an rpm database that cannot be read, or a Berkeley DB one, leaves the check to a person', async () => {
  const view = rpmdbSqlite(recursiveView);
  const broken = await digestsOf([]);
  const squashed = memoryTree([fileItem('/var/lib/rpm/rpmdb.sqlite', view)]);
  const fs: ImageFilesystem = { squashed, layer: () => squashed, hidden: [], deleted: [], warnings: [] };
  const result = await comp003.evaluate(testContext({ fs, fileDigests: broken.fileDigests }));
  assert.equal(result.status, 'manual');
  assert.deepEqual(
    result.evidence?.map((e) => e.message),
    ['not read: Packages is a view, not a table: not read'],
  );
  const { fs: bdb, fileDigests } = await digestsOf([{ path: '/var/lib/rpm/Packages', content: 'bdb' }]);
  const old = await comp003.evaluate(testContext({ fs: bdb, fileDigests }));
  assert.equal(
    old.status === 'manual' ? old.reason : old.status,
    'the rpm database /var/lib/rpm/Packages is a Berkeley DB, which sgci does not read',
  );
});

test('md5sums in a layer after the files: the files were hashed with every algorithm, verified as before', async () => {
  const { fs, fileDigests, rereads } = await digestsInOrder([
    { path: '/usr/bin/tool', content: 'original' },
    { path: '/usr/bin/patched', content: 'patched' },
    {
      path: '/var/lib/dpkg/info/tool.md5sums',
      content: `${md5('original')}  usr/bin/tool\n${md5('shipped')}  usr/bin/patched\n`,
      layer: 1,
    },
  ]);
  const result = await comp003.evaluate(testContext({ fs, fileDigests }));
  assert.equal(result.status, 'fail');
  assert.match(
    result.evidence?.[0]?.message ?? '',
    /^1 files verified against 2 recorded checksums; 1 mismatches; 0 recorded files absent$/,
  );
  assert.deepEqual(rereads, [], 'nothing is read again');
});

/**
 * A Debian base (dpkg evidence first: its files are hashed with md5 only) with apk in a later layer whose
 * database lists a file of the base: sha1 was not taken for it in the pass.
 */
function dpkgThenApk(busybox: string): TestFile[] {
  return [
    { path: '/etc/debian_version', content: '12.5\n' },
    { path: '/bin/busybox', content: busybox },
    { path: '/usr/bin/tool', content: 'tool' },
    { path: '/var/lib/dpkg/info/tool.md5sums', content: `${md5('tool')}  usr/bin/tool\n` },
    {
      path: '/lib/apk/db/installed',
      content: `P:busybox\nV:1.36\nF:bin\nR:busybox\nZ:Q1${sha1b64('bb')}\n\n`,
      layer: 2,
    },
    { path: '/usr/bin/other', content: 'other', layer: 1 },
  ];
}

test('a second package manager after the files: their digests are taken again from their layer only', async () => {
  const { fs, fileDigests, rereads } = await digestsInOrder(dpkgThenApk('bb'));
  assert.equal(fileDigests.sha1.untaken('0:/bin/busybox'), true, 'the pass took md5 only after debian_version');
  const result = await comp003.evaluate(testContext({ fs, fileDigests }));
  assert.equal(result.status, 'pass');
  assert.match(
    result.evidence?.[0]?.message ?? '',
    /^2 files verified against 2 recorded checksums; 0 mismatches; 0 recorded files absent$/,
  );
  assert.deepEqual(rereads, [[0]]);
});

test('a file modified under a late second database is a mismatch, never verified nor absent', async () => {
  const { fs, fileDigests } = await digestsInOrder(dpkgThenApk('patched'));
  const result = await comp003.evaluate(testContext({ fs, fileDigests }));
  assert.equal(result.status, 'fail');
  assert.ok(
    result.evidence?.some((e) => e.kind === 'file' && e.path === '/bin/busybox' && e.message?.startsWith('sha1 ')),
  );
  assert.match(
    result.evidence?.[0]?.message ?? '',
    /^1 files verified against 2 recorded checksums; 1 mismatches; 0 recorded files absent$/,
  );
});

test('where the layers cannot be read again, untaken digests are reported as not verified, never a pass', async () => {
  for (const [reread, why] of [
    [false, /this run cannot read the image again/],
    [new Error('registry gone'), /reading their layers again failed: registry gone/],
  ] as const) {
    // unmodified, so only the unknown digest keeps it from passing
    const { fs, fileDigests } = await digestsInOrder(dpkgThenApk('bb'), reread);
    const result = await comp003.evaluate(testContext({ fs, fileDigests }));
    assert.equal(result.status, 'manual');
    assert.match(result.reason ?? '', /^1 recorded files not verified/);
    assert.match(result.reason ?? '', why);
    assert.match(
      result.evidence?.[0]?.message ?? '',
      /^1 files verified against 2 recorded checksums; 0 mismatches; 0 recorded files absent$/,
    );
  }
  // a mismatch found meanwhile still fails
  const { fs, fileDigests } = await digestsInOrder(
    [...dpkgThenApk('bb'), { path: '/usr/bin/tool', content: 'x', layer: 3 }],
    false,
  );
  assert.equal((await comp003.evaluate(testContext({ fs, fileDigests }))).status, 'fail');
});
