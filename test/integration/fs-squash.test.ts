import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultLimits, withLimits } from '../../src/core/index.ts';
import { readFilesystem } from '../../src/oci/fs/index.ts';
import type { FileEntry, FileSink, FileVisitor } from '../../src/oci/types.ts';
import {
  compress,
  layerFromBlob,
  padded,
  paxHeader,
  rawHeader,
  syntheticLayers,
  tarOf,
} from '../helpers/synthetic-image.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const options = { limits: defaultLimits };

const base = [
  { path: './', type: 'dir' as const },
  { path: 'etc/', type: 'dir' as const },
  { path: 'etc/os-release', content: 'ID=debian\n' },
  { path: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
  { path: 'root/', type: 'dir' as const, mode: 0o700 },
  { path: 'root/.aws/', type: 'dir' as const },
  { path: 'root/.aws/credentials', content: 'aws_secret_access_key=x\n', mode: 0o600 },
  { path: 'var/cache/app/', type: 'dir' as const },
  { path: 'var/cache/app/a.o', content: 'a' },
  { path: 'var/cache/app/b.o', content: 'b' },
  { path: 'usr/bin/', type: 'dir' as const },
  { path: 'usr/bin/find', content: 'ELF-find', mode: 0o4755 },
  { path: 'usr/bin/perl', content: 'ELF-perl', mode: 0o755 },
  { path: 'usr/bin/perl5.36', type: 'hardlink' as const, linkTarget: 'usr/bin/perl' },
  { path: 'bin', type: 'symlink' as const, linkTarget: 'usr/bin' },
  { path: 'dev/null', type: 'char' as const, mode: 0o666 },
];
const upper = [
  { path: 'root/.aws/.wh.credentials' },
  { path: 'var/cache/app/', type: 'dir' as const },
  { path: 'var/cache/app/.wh..wh..opq' },
  { path: 'var/cache/app/c.o', content: 'c' },
  { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' },
];

test('whiteouts, opaque dirs and overwrites give the squashed view, hidden and deleted lists', async () => {
  const layers = await syntheticLayers([base, upper]);
  const fs = await readFilesystem(layers, { paths: ['/etc/os-release', '/root/.aws/credentials'] }, options);
  const paths = [...fs.squashed.entries()].map((e) => e.path);
  assert.ok(!paths.includes('/root/.aws/credentials'), 'whiteout deletes the file');
  assert.ok(paths.includes('/root/.aws'), 'the whiteout leaves the directory');
  assert.deepEqual(
    paths.filter((p) => p.startsWith('/var/cache/app/')),
    ['/var/cache/app/c.o'],
    'opaque dir clears lower children but keeps its own layer',
  );
  assert.equal(fs.squashed.get('/etc/os-release')?.layer, 1);
  assert.deepEqual(
    fs.hidden.map((e) => `${e.path}@${e.layer}`),
    ['/etc/os-release@0', '/root/.aws/credentials@0', '/var/cache/app/a.o@0', '/var/cache/app/b.o@0'],
  );
  assert.deepEqual(fs.deleted, [
    { path: '/root/.aws/credentials', layer: 1, opaque: false },
    { path: '/var/cache/app', layer: 1, opaque: true },
  ]);
  const osRelease = fs.squashed.get('/etc/os-release');
  assert.ok(osRelease);
  assert.equal(text(await fs.squashed.read(osRelease)), 'ID=debian\nVERSION_ID=12\n');
  // The layer view keeps its own entries, whiteout markers excluded.
  assert.equal(fs.layer(0).get('/root/.aws/credentials')?.mode, 0o600);
  assert.equal(fs.layer(1).get('/root/.aws/.wh.credentials'), undefined);
  assert.equal(fs.warnings.length, 0, JSON.stringify(fs.warnings));
});

test('metadata per path: type, mode with setuid, owner, size, link targets, devices', async () => {
  const layers = await syntheticLayers([base]);
  const fs = await readFilesystem(layers, {}, options);
  const find = fs.squashed.get('/usr/bin/find');
  assert.deepEqual(
    { type: find?.type, mode: find?.mode, size: find?.size, uid: find?.uid },
    { type: 'file', mode: 0o4755, size: 8, uid: 0 },
  );
  assert.equal(fs.squashed.get('/root')?.mode, 0o700);
  assert.deepEqual(
    { type: fs.squashed.get('/bin')?.type, linkTarget: fs.squashed.get('/bin')?.linkTarget },
    { type: 'symlink', linkTarget: 'usr/bin' },
  );
  assert.equal(fs.squashed.get('/bin/find', { followSymlinks: true })?.path, '/usr/bin/find');
  const hardlink = fs.squashed.get('/usr/bin/perl5.36');
  assert.deepEqual(
    { type: hardlink?.type, linkTarget: hardlink?.linkTarget, size: hardlink?.size },
    { type: 'hardlink', linkTarget: '/usr/bin/perl', size: 8 },
  );
  assert.equal(fs.squashed.get('/dev/null')?.type, 'char');
  assert.equal(fs.squashed.get('/')?.type, 'dir');
});

test('a hardlink reads as its target', async () => {
  const layers = await syntheticLayers([base]);
  const fs = await readFilesystem(layers, { globs: ['/usr/bin/perl*'] }, options);
  const hardlink = fs.squashed.get('/usr/bin/perl5.36');
  assert.ok(hardlink);
  assert.equal(text(await fs.squashed.read(hardlink)), 'ELF-perl');
});

test('security.capability xattrs survive as binary bytes from PAX headers', async () => {
  // v2 capability with CAP_SETUID (bit 7 -> byte 0x80) and CAP_NET_BIND_SERVICE: not valid UTF-8.
  const capability = Uint8Array.from([0x01, 0x00, 0x00, 0x02, 0x80, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const content = Buffer.from('ELF-ping');
  const layers = await syntheticLayers([
    [
      { raw: paxHeader({ 'SCHILY.xattr.security.capability': capability }) },
      { raw: rawHeader({ path: 'usr/bin/ping', typeflag: '0', size: content.length, mode: 0o755 }) },
      { raw: padded(content) },
    ],
  ]);
  const fs = await readFilesystem(layers, {}, options);
  const ping = fs.squashed.get('/usr/bin/ping');
  assert.deepEqual(ping?.xattrs?.['security.capability'], capability);
  assert.equal(fs.squashed.get('/usr/bin/ping')?.size, 8);
});

test('long paths via PAX are read in full', async () => {
  const long = `opt/${'deep/'.repeat(60)}file.txt`;
  const layers = await syntheticLayers([[{ path: long, content: 'x' }]]);
  const fs = await readFilesystem(layers, {}, options);
  assert.equal(fs.squashed.get(`/${long}`)?.size, 1);
});

test('visitors see every regular file of every layer, deleted ones included, within their byte budget', async () => {
  const seen: string[] = [];
  const visitor: FileVisitor = {
    name: 'test-visitor',
    wants: (entry: FileEntry) => (entry.path.startsWith('/root/') || entry.path.endsWith('os-release') ? 4 : undefined),
    async visit(entry, content, truncated) {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(`${entry.path}@${entry.layer}:${text(content)}:${truncated}`);
    },
  };
  const layers = await syntheticLayers([base, upper]);
  await readFilesystem(layers, { visitors: [visitor] }, options);
  assert.deepEqual(seen, [
    '/etc/os-release@0:ID=d:true',
    '/root/.aws/credentials@0:aws_:true',
    '/etc/os-release@1:ID=d:true',
  ]);
});

test('sinks get every byte of the files they open, over chunk boundaries and past the capture limits', async () => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
  const tar = await tarOf([
    { path: 'empty', content: '' },
    { path: 'usr/lib/big.so', content: big },
    { path: 'usr/lib/skipped', content: 'not opened' },
    { path: 'usr/lib/faulty', content: 'boom' },
    { path: 'usr/lib/after', content: 'still streamed' },
  ]);
  // 4 KiB chunks: the big file reaches the sink in dozens of pieces.
  const layer = layerFromBlob(0, compress(tar, 'gzip'), tar, { chunkSize: 4096 });
  const received = new Map<string, Buffer[]>();
  const ended: string[] = [];
  const sink: FileSink = {
    name: 'test-sink',
    open(entry) {
      if (entry.path === '/usr/lib/skipped') return undefined;
      const parts: Buffer[] = [];
      received.set(entry.path, parts);
      return {
        write(chunk) {
          if (entry.path === '/usr/lib/faulty') throw new Error('sink broke');
          parts.push(Buffer.from(chunk));
        },
        end: () => ended.push(entry.path),
      };
    },
  };
  const fs = await readFilesystem(
    [layer],
    { sinks: [sink] },
    { limits: withLimits({ maxCapturedFileBytes: 1000, maxCapturedTotalBytes: 1000 }) },
  );
  assert.ok(Buffer.concat(received.get('/usr/lib/big.so') ?? []).equals(big));
  assert.ok((received.get('/usr/lib/big.so')?.length ?? 0) > 1);
  assert.equal(text(Buffer.concat(received.get('/usr/lib/after') ?? [])), 'still streamed');
  assert.equal(received.has('/usr/lib/skipped'), false);
  assert.deepEqual(ended, ['/empty', '/usr/lib/big.so', '/usr/lib/after']);
  assert.ok(
    fs.warnings.some((w) => w.path === '/usr/lib/faulty' && /sink test-sink failed: sink broke/.test(w.reason)),
  );
  // Nothing was captured for `read`: sinks do not hold content.
  const entry = fs.squashed.get('/usr/lib/big.so');
  assert.ok(entry && !fs.squashed.hasContent(entry));
});

test('content is the latest version and is dropped when a later layer deletes it', async () => {
  const layers = await syntheticLayers([base, upper]);
  const fs = await readFilesystem(layers, { globs: ['/var/cache/**', '/etc/*'] }, options);
  const c = fs.squashed.get('/var/cache/app/c.o');
  assert.ok(c && fs.squashed.hasContent(c));
  const a = fs.hidden.find((e) => e.path === '/var/cache/app/a.o');
  assert.ok(a);
  assert.equal(fs.layer(0).hasContent(a), false);
  const passwd = fs.squashed.get('/etc/passwd');
  assert.ok(passwd);
  assert.match(text(await fs.squashed.read(passwd)), /^root:/);
});

test('a file larger than maxCapturedFileBytes is a warning, and reading it is LIMIT_EXCEEDED', async () => {
  const layers = await syntheticLayers([
    [
      { path: 'big.bin', content: 'x'.repeat(5000) },
      { path: 'small', content: 'ok' },
    ],
  ]);
  const fs = await readFilesystem(
    layers,
    { paths: ['/big.bin', '/small'] },
    {
      limits: withLimits({ maxCapturedFileBytes: 4096 }),
    },
  );
  const big = fs.squashed.get('/big.bin');
  assert.ok(big);
  await assert.rejects(fs.squashed.read(big), { code: 'LIMIT_EXCEEDED', message: /\/big\.bin: content of 5000 bytes/ });
  assert.deepEqual(
    fs.warnings.map((w) => w.path),
    ['/big.bin'],
  );
  const small = fs.squashed.get('/small');
  assert.ok(small);
  assert.equal(text(await fs.squashed.read(small)), 'ok');
});

test('maxCapturedTotalBytes bounds all captured content together', async () => {
  const layers = await syntheticLayers([
    [
      { path: 'a', content: 'x'.repeat(600) },
      { path: 'b', content: 'y'.repeat(600) },
    ],
  ]);
  const fs = await readFilesystem(layers, { globs: ['/*'] }, { limits: withLimits({ maxCapturedTotalBytes: 1000 }) });
  const a = fs.squashed.get('/a');
  const b = fs.squashed.get('/b');
  assert.ok(a && b);
  assert.equal(fs.squashed.hasContent(a), true);
  await assert.rejects(fs.squashed.read(b), { code: 'LIMIT_EXCEEDED' });
});

for (const compression of ['gzip', 'zstd', 'none'] as const) {
  test(`layers compressed with ${compression} read the same, also in 7-byte chunks`, async () => {
    const layers = await syntheticLayers([base, upper], { compression, chunkSize: 7 });
    const fs = await readFilesystem(layers, { paths: ['/etc/os-release'] }, options);
    const osRelease = fs.squashed.get('/etc/os-release');
    assert.ok(osRelease);
    assert.equal(text(await fs.squashed.read(osRelease)), 'ID=debian\nVERSION_ID=12\n');
    assert.equal([...fs.squashed.entries()].length, 14);
  });
}

test('multi-member gzip and multi-frame zstd layers are read to the end', async () => {
  const tar = await tarOf(base);
  const half = 3 * 512;
  for (const compression of ['gzip', 'zstd'] as const) {
    // Split the tar at a block boundary into two independently compressed members/frames.
    const blob = Buffer.concat([
      compress(tar.subarray(0, half), compression),
      compress(tar.subarray(half), compression),
    ]);
    const fs = await readFilesystem([layerFromBlob(0, blob, tar, { compression })], {}, options);
    assert.equal([...fs.squashed.entries()].length, base.length, compression);
  }
});

test('a declared symlink gets its target captured when the target streams by later', async () => {
  const layers = await syntheticLayers([
    [
      { path: 'etc/os-release', type: 'symlink', linkTarget: '../usr/lib/os-release' },
      { path: 'etc/early', content: 'early' },
      { path: 'lib', type: 'symlink', linkTarget: 'usr/lib' },
      { path: 'usr/lib/os-release', content: 'ID=debian\n' },
      { path: 'usr/link-to-early', type: 'symlink', linkTarget: '/etc/early' },
    ],
  ]);
  const fs = await readFilesystem(layers, { paths: ['/etc/os-release', '/usr/link-to-early'] }, options);
  const link = fs.squashed.get('/etc/os-release');
  assert.ok(link);
  assert.equal(text(await fs.squashed.read(link)), 'ID=debian\n');
  // The other link's target had already streamed by undeclared: a warning says so.
  assert.deepEqual(
    fs.warnings.map((w) => w.reason),
    ['content not captured: symlink to /etc/early, which FileNeeds does not name'],
  );
});
