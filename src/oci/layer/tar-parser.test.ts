import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { encodeName } from './tar-fields.ts';
import { type TarHeader, TarParser } from './tar-parser.ts';

const limits = { maxPaxHeaderBytes: 1 << 20, maxPathLength: 4096 };

/** A ustar header with a valid checksum; `fill` writes extra raw fields first. */
function header(path: string, typeflag: string, size = 0, fill?: (h: Buffer) => void, magic = 'ustar\u000000'): Buffer {
  const h = Buffer.alloc(512);
  h.write(path, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0001750\0', 108, 'latin1');
  h.write('0001750\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('14000000000\0', 136, 'latin1');
  h.write(typeflag, 156, 'latin1');
  h.write(magic, 257, 'latin1');
  fill?.(h);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}
function record(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(body);
  let length = bytes + 1;
  while (String(length).length + bytes !== length) length++;
  return `${length}${body}`;
}

const pad = (data: Buffer) => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);

function parse(tar: Buffer, chunk = tar.length): { headers: TarHeader[]; data: string[] } {
  const headers: TarHeader[] = [];
  const data: string[] = [];
  let current = '';
  const parser = new TarParser(
    {
      onEntry(h) {
        headers.push(h);
        current = '';
        return true;
      },
      onData(bytes) {
        current += Buffer.from(bytes).toString('latin1');
      },
      onEntryEnd() {
        data.push(current);
      },
    },
    limits,
    'sha256:test',
    'layer 0',
  );
  for (let i = 0; i < tar.length; i += chunk) parser.write(tar.subarray(i, i + chunk));
  parser.end();
  return { headers, data };
}

test('ustar prefix + name, octal fields and data, in any chunking', () => {
  const tar = Buffer.concat([
    header('name.txt', '0', 5, (h) => h.write('some/prefix', 345, 'utf8')),
    pad(Buffer.from('hello')),
    Buffer.alloc(1024),
  ]);
  for (const chunk of [1, 7, 511, 512, 513, tar.length]) {
    const { headers, data } = parse(tar, chunk);
    assert.equal(headers.length, 1);
    assert.deepEqual(
      { path: headers[0]?.path, uid: headers[0]?.uid, mode: headers[0]?.mode, size: headers[0]?.size },
      { path: 'some/prefix/name.txt', uid: 1000, mode: 0o644, size: 5 },
    );
    assert.deepEqual(data, ['hello']);
  }
});

test('GNU format: long names and links win, base-256 numbers, and the times field is no prefix unless Go reads it as one', () => {
  const longName = `${'d/'.repeat(80)}file`;
  const longLink = `${'t/'.repeat(80)}target`;
  const gnu = 'ustar  \0';
  const tar = Buffer.concat([
    header('././@LongLink', 'L', longName.length + 1, undefined, gnu),
    pad(Buffer.from(`${longName}\0`)),
    header('././@LongLink', 'K', longLink.length + 1, undefined, gnu),
    pad(Buffer.from(`${longLink}\0`)),
    header(
      'short',
      '2',
      0,
      (h) => {
        // base-256 uid 2^31, as GNU tar writes ids too large for 7 octal digits
        Buffer.from([0x80, 0, 0, 0, 0x80, 0, 0, 0]).copy(h, 108);
        h.write('junk-not-a-prefix', 345, 'latin1');
      },
      gnu,
    ),
    // valid octal access time: the field is a time, not a prefix
    header('timed', '0', 0, (h) => h.write('14000000000\0', 345, 'latin1'), gnu),
    // an access time Go cannot parse: read as a ustar prefix (golang.org/issue/12594)
    header('named', '0', 0, (h) => h.write('pre/fix', 345, 'latin1'), gnu),
    Buffer.alloc(1024),
  ]);
  const { headers } = parse(tar);
  assert.deepEqual(
    headers.map((h) => [h.path, h.linkpath, h.type, h.uid]),
    [
      [longName, longLink, 'symlink', 2 ** 31],
      ['timed', '', 'file', 1000],
      ['pre/fix/named', '', 'file', 1000],
    ],
  );
});

test('PAX records as Go applies them: last x wins whole, L beats path, empty values keep the header, g applies to nothing', () => {
  const pax = (records: string) => {
    const body = Buffer.from(records);
    return Buffer.concat([header('PaxHeaders/x', 'x', body.length), pad(body)]);
  };
  const global = Buffer.from(record('uid', '4242') + record('path', 'global-decoy'));
  const tar = Buffer.concat([
    header('global', 'g', global.length),
    pad(global),
    pax(record('path', 'ünïcödé/file') + record('mtime', '1747699200.999') + record('path', 'last/path')),
    header('ignored', '0'),
    // two x headers: only the second counts, so its uid and not the first one's path
    pax(record('path', 'decoy')),
    pax(record('uid', '7')),
    header('second', '5'),
    // a long name wins over a PAX path whatever the order
    pax(record('path', 'pax-path')),
    header('././@LongLink', 'L', 10),
    pad(Buffer.from('long-name\0')),
    header('third', '0'),
    // an empty value keeps the header's own field
    pax(record('path', '') + record('uid', '')),
    header('fourth', '0'),
    // x then g: Go hands the g out as an entry of its own, and the x applies to nothing
    pax(record('path', 'dropped')),
    header('global', 'g', global.length),
    pad(global),
    header('fifth', '0'),
    Buffer.alloc(1024),
  ]);
  const { headers } = parse(tar, 100);
  assert.deepEqual(
    headers.map((h) => [h.path, h.uid, h.mtime]),
    [
      ['last/path', 1000, 1747699200],
      ['second', 7, 0o14000000000],
      ['long-name', 1000, 0o14000000000],
      ['fourth', 1000, 0o14000000000],
      ['fifth', 1000, 0o14000000000],
    ],
  );
});

test('only a NUL typeflag (Go TypeRegA) with a trailing slash is a directory; a 0 typeflag stays a file', () => {
  const { headers } = parse(
    Buffer.concat([
      header('old/', '\0', 0, undefined, '\0\0\0\0\0\0\0\0'),
      header('new/', '0', 0),
      header('plain', '\0', 0),
      Buffer.alloc(1024),
    ]),
  );
  assert.deepEqual(
    headers.map((h) => [h.path, h.type]),
    [
      ['old/', 'dir'],
      ['new/', 'file'],
      ['plain', 'file'],
    ],
  );
});

test('header-only types carry no data even when the size field says otherwise (as Go archive/tar)', () => {
  const tar = Buffer.concat([header('d/', '5', 1024), header('f', '0', 2), pad(Buffer.from('ok')), Buffer.alloc(1024)]);
  const { headers, data } = parse(tar);
  assert.deepEqual(
    headers.map((h) => [h.path, h.type, h.size]),
    [
      ['d/', 'dir', 0],
      ['f', 'file', 2],
    ],
  );
  assert.deepEqual(data, ['', 'ok']);
});

test('malformed PAX records and octal fields are LAYER_CORRUPT', () => {
  const bad = Buffer.from('99 path=x\n');
  for (const tar of [
    Buffer.concat([header('PaxHeaders/x', 'x', bad.length), pad(bad), header('f', '0'), Buffer.alloc(1024)]),
    Buffer.concat([header('f', '0', 0, (h) => h.write('0009\0', 100, 'latin1')), Buffer.alloc(1024)]),
  ]) {
    assert.throws(
      () => parse(tar),
      (e) => isSgciError(e, 'LAYER_CORRUPT') && /^sha256:test: layer 0: /.test(e.message),
    );
  }
});

test('an archive without end-of-archive blocks after a complete entry is accepted', () => {
  const { headers } = parse(Buffer.concat([header('f', '0', 2), pad(Buffer.from('ok'))]));
  assert.equal(headers.length, 1);
});

test('xattrs: SCHILY records with a value, binary and __proto__ safe; LIBARCHIVE records are not applied by Go', () => {
  const body = Buffer.concat([
    Buffer.from(record('SCHILY.xattr.__proto__', 'ab') + record('LIBARCHIVE.xattr.user.x', 'YQ')),
    Buffer.from(record('SCHILY.xattr.user.empty', '')),
    paxBinary('SCHILY.xattr.security.capability', Buffer.from([1, 0, 0, 2, 0x80, 0, 0, 0])),
  ]);
  const { headers } = parse(
    Buffer.concat([header('PaxHeaders/f', 'x', body.length), pad(body), header('f', '0'), Buffer.alloc(1024)]),
  );
  const xattrs = headers[0]?.xattrs ?? {};
  assert.deepEqual(Object.keys(xattrs).sort(), ['__proto__', 'security.capability']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(xattrs, '__proto__')?.value, Uint8Array.from(Buffer.from('ab')));
  assert.deepEqual(xattrs['security.capability'], Uint8Array.from([1, 0, 0, 2, 0x80, 0, 0, 0]));
  assert.equal(Object.getPrototypeOf(xattrs), null);
});

/** A PAX record with a binary value. */
function paxBinary(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length++;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

test('names are bytes: invalid UTF-8 maps one-to-one, and back', () => {
  const names = [
    Buffer.from('caf\xc3\xa9', 'latin1'),
    Buffer.from([0x61, 0xff]),
    Buffer.from([0x61, 0xfe]),
    Buffer.from([0xed, 0xa0, 0x80]),
  ];
  const tar = Buffer.concat([...names.map((name) => header('', '0', 0, (h) => name.copy(h, 0))), Buffer.alloc(1024)]);
  const paths = parse(tar).headers.map((h) => h.path);
  assert.equal(paths[0], 'café');
  assert.equal(new Set(paths).size, names.length, 'no two names collapse into one');
  assert.deepEqual(
    paths.map((p) => encodeName(p)),
    names,
  );
});

test('numbers as Go reads them: base-256 negative mtime, octal with surrounding spaces; embedded garbage fails', () => {
  const { headers } = parse(
    Buffer.concat([
      header('neg', '0', 0, (h) =>
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]).copy(h, 136),
      ),
      header('spaced', '0', 0, (h) => h.write('  644  \0', 100, 'latin1')),
      Buffer.alloc(1024),
    ]),
  );
  assert.deepEqual(
    headers.map((h) => [h.path, h.mtime, h.mode]),
    [
      ['neg', -2, 0o644],
      ['spaced', 0o14000000000, 0o644],
    ],
  );
  for (const field of ['6 44\0', '0o644\0', '9\0']) {
    assert.throws(
      () => parse(Buffer.concat([header('f', '0', 0, (h) => h.write(field, 100, 'latin1')), Buffer.alloc(1024)])),
      (e) => isSgciError(e, 'LAYER_CORRUPT') && /invalid mode in tar header at byte 0/.test(e.message),
      field,
    );
  }
});

test('what Go refuses is refused: a zero block then a header, negative sizes, NUL in a PAX path, owner -1, sparse files', () => {
  const pax = (body: Buffer) => Buffer.concat([header('PaxHeaders/x', 'x', body.length), pad(body)]);
  const cases: [string, Buffer, RegExp][] = [
    [
      'zero block then header',
      Buffer.concat([Buffer.alloc(512), header('f', '0'), Buffer.alloc(1024)]),
      /a zero block is followed by a header at byte 512/,
    ],
    [
      'negative size',
      Buffer.concat([header('f', '0', 0, (h) => Buffer.alloc(12, 0xff).copy(h, 124)), Buffer.alloc(1024)]),
      /negative size/,
    ],
    [
      'negative PAX size',
      Buffer.concat([pax(Buffer.from(record('size', '-1'))), header('f', '0'), Buffer.alloc(1024)]),
      /negative size/,
    ],
    [
      'NUL in path',
      Buffer.concat([pax(Buffer.from(record('path', 'a\0b'))), header('f', '0'), Buffer.alloc(1024)]),
      /"path" holds a NUL byte/,
    ],
    [
      'NUL padding',
      Buffer.concat([pax(Buffer.from(`${record('path', 'a')}\0\0\0`)), header('f', '0'), Buffer.alloc(1024)]),
      /malformed PAX header/,
    ],
    [
      'bad mtime',
      Buffer.concat([pax(Buffer.from(record('mtime', '1.5e3'))), header('f', '0'), Buffer.alloc(1024)]),
      /bad mtime record/,
    ],
    [
      'bad atime',
      Buffer.concat([pax(Buffer.from(record('atime', 'yesterday'))), header('f', '0'), Buffer.alloc(1024)]),
      /bad atime record/,
    ],
    [
      'bad global uid',
      Buffer.concat([
        header('g', 'g', record('uid', 'x').length),
        pad(Buffer.from(record('uid', 'x'))),
        header('f', '0'),
        Buffer.alloc(1024),
      ]),
      /PAX global header.*bad uid/,
    ],
    [
      'owner -1',
      Buffer.concat([pax(Buffer.from(record('uid', '4294967295'))), header('f', '0'), Buffer.alloc(1024)]),
      /owner 4294967295:1000 .* not a valid uid:gid/,
    ],
    [
      'old GNU sparse',
      Buffer.concat([header('f', 'S', 0, undefined, 'ustar  \0'), Buffer.alloc(1024)]),
      /GNU sparse file at byte 0/,
    ],
    [
      'PAX sparse',
      Buffer.concat([
        pax(Buffer.from(record('GNU.sparse.major', '1') + record('GNU.sparse.minor', '0'))),
        header('f', '0'),
        Buffer.alloc(1024),
      ]),
      /GNU sparse file at byte 1024/,
    ],
  ];
  for (const [name, tar, message] of cases) {
    assert.throws(
      () => parse(tar),
      (e) => isSgciError(e, 'LAYER_CORRUPT') && message.test(e.message),
      name,
    );
  }
});

test('star headers have a 131-byte prefix; the end may come after one zero block or inside the last padding', () => {
  const star = header('name', '0', 3, (h) => {
    h.write('p'.repeat(131), 345, 'latin1');
    h.write('0000000000\0', 476, 'latin1'); // atime, right after the 131-byte prefix
    h.write('tar\0', 508, 'latin1');
  });
  // all padding and one zero block; or the input ends inside the padding
  for (const tail of [Buffer.alloc(509 + 512), Buffer.alloc(100)]) {
    const tar = Buffer.concat([star, Buffer.from('abc'), tail]);
    const { headers, data } = parse(tar, 7);
    assert.equal(headers[0]?.path, `${'p'.repeat(131)}/name`);
    assert.deepEqual(data, ['abc']);
  }
});

test('PAX record lengths as Go parses them: leading zeros and a plus sign are fine', () => {
  const body = Buffer.from('0000019 path=zeros\n+14 uid=12345\n');
  const { headers } = parse(
    Buffer.concat([header('PaxHeaders/f', 'x', body.length), pad(body), header('f', '0'), Buffer.alloc(1024)]),
  );
  assert.deepEqual([headers[0]?.path, headers[0]?.uid], ['zeros', 12345]);
});
