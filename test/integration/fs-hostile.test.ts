/**
 * Hostile layers: each ends in a clear SgciError naming the layer, or in a recorded warning;
 * never a crash trace, a hang, an unbounded allocation, or a path outside the image root.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { createDigestSink } from '../../src/checks/index.ts';
import { type ErrorCode, isSgciError, type Limits, SgciError, verifyChunks, withLimits } from '../../src/core/index.ts';
import { readFilesystem } from '../../src/oci/fs/index.ts';
import type { FileEntry, Layer } from '../../src/oci/types.ts';
import {
  compress,
  layerFromBlob,
  padded,
  paxHeader,
  rawHeader,
  type SyntheticEntry,
  syntheticLayers,
  tarOf,
} from '../helpers/synthetic-image.ts';

const limits = withLimits();

function rejectsWith(code: ErrorCode, layer: Layer, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(isSgciError(error, code), `expected ${code}, got ${String(error)}`);
    assert.ok(error.message.startsWith(layer.digest), `message names the layer digest: ${error.message}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  };
}

async function squash(entries: SyntheticEntry[][], overrides: Partial<Limits> = {}) {
  return readFilesystem(await syntheticLayers(entries), {}, { limits: withLimits(overrides) });
}

/** A tar holding one file of `size` zero bytes: compresses to almost nothing. */
function zeroFileTar(size: number): Buffer {
  return Buffer.concat([rawHeader({ path: 'zeros', typeflag: '0', size }), Buffer.alloc(size), Buffer.alloc(1024)]);
}

test('absolute and .. paths are read inside the root, with a warning', async () => {
  const fs = await squash([
    [
      { path: '../../../etc/evil', content: 'x' },
      { path: '/abs/file', content: 'y' },
      { path: 'usr/../../tmp/z', content: 'z' },
    ],
  ]);
  const paths = [...fs.squashed.entries()].map((e) => e.path);
  assert.deepEqual(paths, ['/abs/file', '/etc/evil', '/tmp/z']);
  assert.equal(fs.warnings.length, 3);
  assert.ok(fs.warnings.every((w) => /absolute or climbs/.test(w.reason)));
});

test('symlink escapes stay inside the root and loops end', async () => {
  const fs = await squash([
    [
      { path: 'etc/passwd', content: 'root:x:0:0' },
      { path: 'escape', type: 'symlink', linkTarget: '../../../../../etc/passwd' },
      { path: 'abs', type: 'symlink', linkTarget: '/../../etc' },
      { path: 'a', type: 'symlink', linkTarget: 'b' },
      { path: 'b', type: 'symlink', linkTarget: '/a' },
      { path: 'self', type: 'symlink', linkTarget: '.' },
    ],
  ]);
  assert.equal(fs.squashed.get('/escape', { followSymlinks: true })?.path, '/etc/passwd');
  assert.equal(fs.squashed.get('/abs/passwd', { followSymlinks: true })?.path, '/etc/passwd');
  assert.equal(fs.squashed.get('/a', { followSymlinks: true }), undefined);
  assert.equal(fs.squashed.get('/a/b/c', { followSymlinks: true }), undefined);
  assert.equal(fs.squashed.get(`/self${'/self'.repeat(100)}/etc/passwd`, { followSymlinks: true }), undefined);
});

test('a hardlink climbing out of the root points inside it, with a warning', async () => {
  const fs = await squash([
    [
      { path: 'etc/shadow', content: 'root:*:' },
      { path: 'tmp/x', type: 'hardlink', linkTarget: '../../../etc/shadow' },
    ],
  ]);
  assert.equal(fs.squashed.get('/tmp/x')?.linkTarget, '/etc/shadow');
  assert.match(fs.warnings[0]?.reason ?? '', /hardlink target .* climbs/);
});

test('what no runtime can unpack is LAYER_CORRUPT: a hardlink to nowhere or to a directory, an entry below a file', async () => {
  const cases: [SyntheticEntry[], RegExp][] = [
    [
      [{ path: 'usr/bin/ghost', type: 'hardlink', linkTarget: 'usr/bin/missing' }],
      /hardlink "usr\/bin\/ghost" at byte \d+ leads to \/usr\/bin\/missing, which is not in the image/,
    ],
    [
      [
        { path: 'etc/', type: 'dir' },
        { path: 'x', type: 'hardlink', linkTarget: 'etc' },
      ],
      /leads to \/etc, which is a directory/,
    ],
    [
      [
        { path: 'etc/passwd', content: 'root' },
        { path: 'etc/passwd/shadow', content: 'x' },
      ],
      /"etc\/passwd\/shadow" at byte \d+ lies below \/etc\/passwd, which is a file/,
    ],
    [
      [
        { path: 'dev/null', type: 'char' },
        { path: 'dev/null/x/y', type: 'dir' },
      ],
      /lies below \/dev\/null, which is a char/,
    ],
  ];
  for (const [entries, message] of cases) {
    const [layer] = await syntheticLayers([entries]);
    assert.ok(layer);
    await assert.rejects(readFilesystem([layer], {}, { limits }), rejectsWith('LAYER_CORRUPT', layer, message));
  }
});

test('directories only implied by the paths below them are there for whiteouts and for entries replacing them', async () => {
  const fs = await squash([
    [
      { path: 'opt/app/bin/tool', content: 'x' },
      { path: 'usr/lib/secret', content: 'k' },
      { path: 'srv/www/index.html', content: 'i' },
    ],
    [
      { path: 'opt/.wh..wh..opq' },
      { path: 'opt/app/late', content: 'y' },
      { path: 'opt/app', content: 'now a file' },
      { path: '.wh.usr' },
      { path: 'srv', content: 'a file over a tree' },
    ],
  ]);
  assert.deepEqual(
    [...fs.squashed.entries()].map((e) => [e.path, e.type]),
    [
      ['/opt/app', 'file'],
      ['/srv', 'file'],
    ],
  );
});

test('duplicate entries: the later one wins, with a warning, and the earlier one is hidden', async () => {
  const fs = await readFilesystem(
    await syntheticLayers([
      [
        { path: 'etc/app.conf', content: 'first' },
        { path: 'etc/app.conf', content: 'second', mode: 0o600 },
      ],
    ]),
    { paths: ['/etc/app.conf'] },
    { limits },
  );
  const conf = fs.squashed.get('/etc/app.conf');
  assert.ok(conf);
  assert.equal(conf.mode, 0o600);
  assert.equal(new TextDecoder().decode(await fs.squashed.read(conf)), 'second');
  assert.deepEqual(
    fs.warnings.map((w) => w.reason),
    ['duplicate tar entry in one layer; the later one wins'],
  );
  assert.deepEqual(
    fs.hidden.map((e) => e.path),
    ['/etc/app.conf'],
  );
});

test('a path written again after a later entry of its own layer took it away is still a duplicate there', async () => {
  const fs = await readFilesystem(
    await syntheticLayers([
      [
        { path: 'd', type: 'dir' },
        { path: 'd/f', content: 'one' },
        // a file over the directory takes d/f away, then the directory and d/f come back
        { path: 'd', content: 'file' },
        { path: 'd', type: 'dir' },
        { path: 'd/f', content: 'two' },
      ],
    ]),
    { paths: ['/d/f'] },
    { limits },
  );
  assert.deepEqual(
    fs.warnings.map((w) => `${w.path}: ${w.reason}`),
    [
      // /d twice (file over dir, dir over file), /d/f once
      '/d: duplicate tar entry in one layer; the later one wins',
      '/d: duplicate tar entry in one layer; the later one wins',
      '/d/f: duplicate tar entry in one layer; the later one wins',
    ],
  );
  const layer = [...fs.layer(0).entries()].map((e) => `${e.path} ${e.type} ${e.size}`);
  assert.deepEqual(layer, ['/d dir 0', '/d/f file 3']);
  const f = fs.layer(0).get('/d/f');
  assert.ok(f);
  assert.deepEqual(f, fs.squashed.get('/d/f'));
  assert.equal(new TextDecoder().decode(await fs.squashed.read(f)), 'two');
});

test('device files and fifos are recorded and never handed to visitors', async () => {
  const asked: string[] = [];
  const visitor = {
    name: 'all',
    wants: (entry: FileEntry) => {
      asked.push(entry.path);
      return 1024;
    },
    visit: () => {},
  };
  const layers = await syntheticLayers([
    [
      { path: 'dev/null', type: 'char', mode: 0o666 },
      { path: 'dev/sda', type: 'block', mode: 0o660 },
      { path: 'run/pipe', type: 'fifo' },
      { path: 'etc/hostname', content: 'box' },
    ],
  ]);
  const fs = await readFilesystem(layers, { visitors: [visitor] }, { limits });
  assert.deepEqual(
    [...fs.squashed.entries()].map((e) => `${e.path}:${e.type}:${e.mode.toString(8)}`),
    ['/dev/null:char:666', '/dev/sda:block:660', '/etc/hostname:file:644', '/run/pipe:fifo:644'],
  );
  assert.deepEqual(asked, ['/etc/hostname']);
});

test('a PAX header over maxPaxHeaderBytes is LIMIT_EXCEEDED', async () => {
  const tar = Buffer.concat([
    paxHeader({ comment: 'A'.repeat(4096) }),
    rawHeader({ path: 'f', typeflag: '0' }),
    Buffer.alloc(1024),
  ]);
  const layer = layerFromBlob(0, compress(tar, 'gzip'), tar);
  await assert.rejects(
    readFilesystem([layer], {}, { limits: withLimits({ maxPaxHeaderBytes: 1024 }) }),
    rejectsWith('LIMIT_EXCEEDED', layer, /PAX header of \d+ bytes .* exceeds the limit of 1024 bytes/),
  );
});

test('a path over maxPathLength is LIMIT_EXCEEDED, by PAX or GNU long name', async () => {
  const longPath = `a/${'b'.repeat(300)}`;
  const pax = await tarOf([{ path: longPath, content: 'x' }]);
  const name = Buffer.from(longPath);
  const gnu = Buffer.concat([
    rawHeader({ path: '././@LongLink', typeflag: 'L', size: name.length + 1 }),
    padded(Buffer.concat([name, Buffer.alloc(1)])),
    rawHeader({ path: 'short', typeflag: '0' }),
    Buffer.alloc(1024),
  ]);
  for (const tar of [pax, gnu]) {
    const layer = layerFromBlob(0, compress(tar, 'none'), tar, { compression: 'none' });
    await assert.rejects(
      readFilesystem([layer], {}, { limits: withLimits({ maxPathLength: 200 }) }),
      rejectsWith('LIMIT_EXCEEDED', layer, /(path of 302 characters|GNU long name of 303 bytes)/),
    );
  }
});

for (const compression of ['gzip', 'zstd', 'none'] as const) {
  test(`a truncated ${compression} blob is LAYER_CORRUPT naming the layer`, async () => {
    const tar = await tarOf([{ path: 'etc/big', content: Buffer.alloc(20_000, 7) }]);
    const blob = compress(tar, compression);
    const cut = compression === 'none' ? 5_000 : Math.floor(blob.length / 2);
    const layer = layerFromBlob(0, blob.subarray(0, cut), tar, { compression });
    await assert.rejects(
      readFilesystem([layer], {}, { limits }),
      rejectsWith('LAYER_CORRUPT', layer, /truncated|unexpected end/),
    );
  });
}

for (const compression of ['gzip', 'zstd'] as const) {
  test(`a ${compression} bomb stops at maxLayerBytes`, async () => {
    const tar = zeroFileTar(8 * 1024 * 1024);
    const layer = layerFromBlob(0, compress(tar, compression), tar, { compression });
    assert.ok(layer.size < 100_000, 'the bomb is small on the wire');
    await assert.rejects(
      readFilesystem([layer], {}, { limits: withLimits({ maxLayerBytes: 1024 * 1024 }) }),
      rejectsWith('LIMIT_EXCEEDED', layer, /maxLayerBytes 1048576/),
    );
  });
}

/**
 * A tar of one `mib` MiB zero file as concatenated gzip members / zstd frames (both valid
 * single streams), so the test compresses one MiB once instead of the whole bomb.
 */
function bomb(mib: number, compression: 'gzip' | 'zstd'): Buffer {
  const mebibyte = compress(Buffer.alloc(1024 * 1024), compression);
  const size = mib * 1024 * 1024;
  return Buffer.concat([
    compress(rawHeader({ path: 'zeros', typeflag: '0', size }), compression),
    ...Array.from({ length: mib }, () => mebibyte),
    compress(Buffer.alloc(1024), compression),
  ]);
}

test('a compression bomb past 64 MiB stops at maxCompressionRatio, gzip and zstd', async () => {
  for (const compression of ['gzip', 'zstd'] as const) {
    const layer = layerFromBlob(0, bomb(80, compression), undefined, { compression });
    await assert.rejects(
      readFilesystem([layer], {}, { limits }),
      rejectsWith('LIMIT_EXCEEDED', layer, /maxCompressionRatio 200x .*compression bomb/),
    );
  }
});

test('maxImageBytes bounds the uncompressed bytes of all layers together', async () => {
  const tar = zeroFileTar(600 * 1024);
  const layers = [0, 1].map((index) => layerFromBlob(index, compress(tar, 'gzip'), tar));
  await assert.rejects(
    readFilesystem(layers, {}, { limits: withLimits({ maxImageBytes: 1024 * 1024 }) }),
    rejectsWith('LIMIT_EXCEEDED', layers[1] as Layer, /layer 1: .*maxImageBytes 1048576/),
  );
});

test('a tar bomb of many entries stops at maxEntries', async () => {
  const entries = Array.from({ length: 300 }, (_, i) => ({ path: `f${i}`, content: '' }));
  const layers = await syntheticLayers([entries]);
  await assert.rejects(
    readFilesystem(layers, {}, { limits: withLimits({ maxEntries: 100 }) }),
    rejectsWith('LIMIT_EXCEEDED', layers[0] as Layer, /more than maxEntries 100/),
  );
});

test('garbage instead of a tar is LAYER_CORRUPT, plain or inside gzip/zstd', async () => {
  const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251));
  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    const layer = layerFromBlob(0, compress(garbage, compression), garbage, { compression });
    await assert.rejects(
      readFilesystem([layer], {}, { limits }),
      rejectsWith('LAYER_CORRUPT', layer, /not a tar archive/),
    );
  }
  const brokenGzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), garbage]);
  const layer = layerFromBlob(0, brokenGzip, undefined);
  await assert.rejects(readFilesystem([layer], {}, { limits }), rejectsWith('LAYER_CORRUPT', layer, /gzip stream/));
});

test('a header with a bad checksum mid-archive is LAYER_CORRUPT with its offset', async () => {
  const tar = Buffer.concat([
    rawHeader({ path: 'ok', typeflag: '0' }),
    rawHeader({ path: 'bad', typeflag: '0' }, true),
    Buffer.alloc(1024),
  ]);
  const layer = layerFromBlob(0, compress(tar, 'gzip'), tar);
  await assert.rejects(
    readFilesystem([layer], {}, { limits }),
    rejectsWith('LAYER_CORRUPT', layer, /bad tar header checksum at byte 512/),
  );
});

test('a wrong media type with recognisable content is read by its magic, with a warning', async () => {
  const tar = await tarOf([{ path: 'etc/hostname', content: 'box' }]);
  const cases = [
    { compression: 'gzip', mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
    { compression: 'zstd', mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
    { compression: 'none', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
    { compression: 'gzip', mediaType: 'application/vnd.oci.image.layer.v1.tar' },
  ] as const;
  for (const { compression, mediaType } of cases) {
    const layer = layerFromBlob(0, compress(tar, compression), tar, { compression, mediaType });
    const fs = await readFilesystem([layer], {}, { limits });
    assert.equal(fs.squashed.get('/etc/hostname')?.size, 3);
    assert.equal(fs.warnings.length, 1);
    assert.match(fs.warnings[0]?.reason ?? '', /media type .* but the content is/);
  }
});

test('content that does not match the diffID is DIGEST_MISMATCH', async () => {
  const tar = await tarOf([{ path: 'etc/hostname', content: 'box' }]);
  const other = await tarOf([{ path: 'etc/hostname', content: 'bad' }]);
  const layer = layerFromBlob(0, compress(tar, 'gzip'), other);
  await assert.rejects(
    readFilesystem([layer], {}, { limits }),
    rejectsWith('DIGEST_MISMATCH', layer, /does not match diffID/),
  );
});

test('an aborted signal stops the pass with its reason', async () => {
  const layers = await syntheticLayers([[{ path: 'a', content: 'x' }]]);
  const controller = new AbortController();
  controller.abort(new Error('user cancelled'));
  await assert.rejects(readFilesystem(layers, {}, { limits, signal: controller.signal }), /user cancelled/);
});

test('entry types no runtime unpacks (contiguous, volume label, GNU dump dir, old GNU sparse) are LAYER_CORRUPT', async () => {
  for (const typeflag of ['7', 'V', 'D', 'S']) {
    const tar = Buffer.concat([
      rawHeader({ path: 'ok', typeflag: '0' }),
      rawHeader({ path: 'odd', typeflag }),
      Buffer.alloc(1024),
    ]);
    const layer = layerFromBlob(0, compress(tar, 'gzip'), tar);
    await assert.rejects(
      readFilesystem([layer], {}, { limits }),
      rejectsWith(
        'LAYER_CORRUPT',
        layer,
        typeflag === 'S'
          ? /GNU sparse file at byte 512/
          : new RegExp(`tar entry "odd" at byte 512 has type "${typeflag}", which container runtimes refuse`),
      ),
      typeflag,
    );
  }
});

test('an entry below a symlinked directory is unpacked where the symlink leads, as runtimes do', async () => {
  const fs = await readFilesystem(
    await syntheticLayers([
      [
        { path: 'etc/', type: 'dir' },
        { path: 'etc/sudoers.d/', type: 'dir' },
        { path: 'usr/bin/', type: 'dir' },
        { path: 'bin', type: 'symlink', linkTarget: 'usr/bin' },
        { path: 'innocent', type: 'symlink', linkTarget: '/etc/sudoers.d' },
      ],
      [
        { path: 'innocent/evil', content: 'ALL ALL=(ALL) NOPASSWD: ALL\n' },
        { path: 'bin/tool', content: 'x', mode: 0o4755 },
        { path: 'innocent/.wh.gone' },
      ],
    ]),
    { paths: ['/etc/sudoers.d/evil'] },
    { limits },
  );
  const evil = fs.squashed.get('/etc/sudoers.d/evil');
  assert.ok(evil, 'the file is where the runtime puts it');
  assert.equal(new TextDecoder().decode(await fs.squashed.read(evil)), 'ALL ALL=(ALL) NOPASSWD: ALL\n');
  assert.equal(fs.squashed.get('/innocent/evil'), undefined);
  assert.equal(fs.squashed.get('/usr/bin/tool')?.mode, 0o4755);
  assert.equal(fs.squashed.get('/bin')?.type, 'symlink');
  assert.deepEqual(
    fs.deleted.map((d) => d.path),
    ['/etc/sudoers.d/gone'],
  );
  assert.ok(fs.warnings.some((w) => w.path === '/etc/sudoers.d/evil' && /written through a symlink/.test(w.reason)));
});

test('a hardlink has the owner and mode of its target, whatever its own header says (one inode)', async () => {
  const fs = await squash([
    [
      { path: 'usr/bin/su', content: 'binary', mode: 0o4755 },
      { path: 'usr/bin/innocent', type: 'hardlink', linkTarget: 'usr/bin/su', mode: 0o644, uid: 1000 },
    ],
  ]);
  const link = fs.squashed.get('/usr/bin/innocent');
  assert.deepEqual([link?.type, link?.mode.toString(8), link?.uid, link?.size], ['hardlink', '4755', 0, 6]);
});

test('a hardlink keeps the bytes of its inode when its target path is replaced or deleted later', async () => {
  const fs = await readFilesystem(
    await syntheticLayers([
      [
        { path: 'usr/bin/tool', content: 'first' },
        { path: 'usr/bin/alias', type: 'hardlink', linkTarget: 'usr/bin/tool' },
        { path: 'usr/bin/alias2', type: 'hardlink', linkTarget: 'usr/bin/alias' },
        { path: 'usr/bin/tool', content: 'second' },
      ],
      [{ path: 'usr/bin/.wh.tool' }],
    ]),
    { globs: ['/usr/bin/*'] },
    { limits },
  );
  const text = async (path: string) => {
    const entry = fs.squashed.get(path);
    assert.ok(entry, path);
    return new TextDecoder().decode(await fs.squashed.read(entry));
  };
  assert.equal(fs.squashed.get('/usr/bin/tool'), undefined);
  assert.equal(await text('/usr/bin/alias'), 'first');
  assert.equal(await text('/usr/bin/alias2'), 'first');
});

test('a non-directory entry for the root is LAYER_CORRUPT; a symlink loop above an entry too', async () => {
  const root = Buffer.concat([rawHeader({ path: './', typeflag: '2', linkpath: '/tmp' }), Buffer.alloc(1024)]);
  const rootLayer = layerFromBlob(0, compress(root, 'gzip'), root);
  await assert.rejects(
    readFilesystem([rootLayer], {}, { limits }),
    rejectsWith('LAYER_CORRUPT', rootLayer, /would replace the root directory with a symlink/),
  );
  const [loop] = await syntheticLayers([
    [
      { path: 'a', type: 'symlink', linkTarget: 'b' },
      { path: 'b', type: 'symlink', linkTarget: 'a' },
      { path: 'a/file', content: 'x' },
    ],
  ]);
  assert.ok(loop);
  await assert.rejects(
    readFilesystem([loop], {}, { limits }),
    rejectsWith('LAYER_CORRUPT', loop, /"a\/file" at byte \d+ lies below a symlink loop/),
  );
});

/**
 * The pass as `sgci scan` runs it (`ring`): a digest sink's hash worker hashes blobs and diffIDs, whose verdicts
 * come at the end of the pass; else this thread hashes them.
 */
async function readHashed(layers: readonly Layer[], ring: boolean) {
  if (!ring) return readFilesystem(layers, {}, { limits });
  await using digests = createDigestSink({ workerAfterBytes: 0 });
  return readFilesystem(layers, { sinks: [digests.sink] }, { limits, jobs: 0 });
}

for (const ring of [false, true]) {
  const where = ring ? ', hashed on the ring' : '';
  test(`a blob failing its digest check mid-stream ends the pass with that DIGEST_MISMATCH${where}`, async () => {
    const tar = await tarOf([{ path: 'etc/big', content: Buffer.alloc(300_000, 1) }]);
    const good = layerFromBlob(0, compress(tar, 'gzip'), tar, { chunkSize: 4096 });
    const wrong = `sha256:${'0'.repeat(64)}` as Layer['digest'];
    const layer: Layer = {
      ...good,
      digest: wrong,
      async open() {
        return verifyChunks(await good.open(), wrong, 'blob');
      },
    };
    await assert.rejects(readHashed([layer], ring), (error) => {
      assert.ok(isSgciError(error, 'DIGEST_MISMATCH'), String(error));
      assert.match(error.message, /does not match digest sha256:0000/);
      return true;
    });
  });

  for (const compression of ['gzip', 'zstd', 'none'] as const) {
    test(`a ${compression} blob tampered early is DIGEST_MISMATCH naming its digest, not a corrupt stream${where}`, async () => {
      const tar = await tarOf([
        { path: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
        { path: 'usr/lib/big', content: randomBytes(200_000) },
      ]);
      const blob = compress(tar, compression);
      const tampered = Buffer.from(blob);
      // The first header's name (plain tar) or the start of the compressed data: parsing fails at once.
      for (let i = 20; i < 60; i++) tampered[i]! ^= 0x5a;
      const served = layerFromBlob(0, tampered, tar, { compression, chunkSize: 4096 });
      const layer: Layer = {
        ...served,
        digest: layerFromBlob(0, blob, tar, { compression }).digest,
        async open() {
          return verifyChunks(await served.open(), this.digest, this.digest, blob.length);
        },
      };
      await assert.rejects(
        readHashed([layer], ring),
        rejectsWith('DIGEST_MISMATCH', layer, new RegExp(`does not match digest ${layer.digest}`)),
      );
    });
  }
}

test('a layer that cannot be opened fails the pass with its own error', async () => {
  const [good] = await syntheticLayers([[{ path: 'a', content: 'x' }]]);
  const layer: Layer = {
    ...(good as Layer),
    open: () => Promise.reject(new SgciError('SOURCE_NOT_FOUND', 'blobs/sha256/x', 'no such blob')),
  };
  await assert.rejects(readFilesystem([layer], {}, { limits }), (e) => isSgciError(e, 'SOURCE_NOT_FOUND'));
});

test('an I/O error while the blob streams is IO_ERROR naming the layer', async () => {
  const [good] = await syntheticLayers([[{ path: 'a', content: 'x'.repeat(10_000) }]]);
  const layer: Layer = {
    ...(good as Layer),
    async open() {
      return Readable.from(
        (async function* () {
          yield Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        })(),
      );
    },
  };
  await assert.rejects(
    readFilesystem([layer], {}, { limits }),
    rejectsWith('IO_ERROR', layer, /reading the blob failed \(socket hang up/),
  );
});

test('a blob larger than maxBlobBytes is LIMIT_EXCEEDED while it streams', async () => {
  // Random bytes do not compress: the gzip blob stays about 200 kB.
  const tar = await tarOf([{ path: 'noise', content: randomBytes(200_000) }]);
  const layer = layerFromBlob(0, compress(tar, 'gzip'), tar, { chunkSize: 16_384 });
  await assert.rejects(
    readFilesystem([layer], {}, { limits: withLimits({ maxBlobBytes: 50_000 }) }),
    rejectsWith('LIMIT_EXCEEDED', layer, /maxBlobBytes 50000/),
  );
});

test('whiteouts naming nothing, . or .. are ignored with a warning', async () => {
  const fs = await squash([
    [{ path: 'etc/keep', content: 'x' }],
    [{ path: 'etc/.wh.' }, { path: 'etc/.wh..' }, { path: 'etc/.wh...' }],
  ]);
  assert.deepEqual(
    [...fs.squashed.entries()].map((e) => e.path),
    ['/etc/keep'],
  );
  assert.deepEqual(fs.deleted, []);
  assert.equal(fs.warnings.length, 3);
});
