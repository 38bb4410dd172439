import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
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

test('GNU format: the prefix field is not a prefix, base-256 numbers, long names and links', () => {
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
        // base-256 uid 2^33, as GNU tar writes ids too large for octal
        Buffer.from([0x80, 0, 0, 0x02, 0, 0, 0, 0]).copy(h, 108);
        h.write('junk-not-a-prefix', 345, 'latin1');
      },
      gnu,
    ),
    Buffer.alloc(1024),
  ]);
  const { headers } = parse(tar);
  assert.equal(headers[0]?.path, longName);
  assert.equal(headers[0]?.linkpath, longLink);
  assert.equal(headers[0]?.type, 'symlink');
  assert.equal(headers[0]?.uid, 2 ** 33);
});

test('PAX records override header fields; global records apply to the entries that follow', () => {
  const global = Buffer.from(record('uid', '4242'));
  const local = Buffer.from(
    record('path', 'ünïcödé/file') +
      record('mtime', '1747699200.123') +
      record('LIBARCHIVE.xattr.user.note', Buffer.from([0xff, 0]).toString('base64')),
  );
  const tar = Buffer.concat([
    header('global', 'g', global.length),
    pad(global),
    header('PaxHeaders/x', 'x', local.length),
    pad(local),
    header('ignored', '0'),
    header('second', '5'),
    Buffer.alloc(1024),
  ]);
  const { headers } = parse(tar, 100);
  assert.equal(headers[0]?.path, 'ünïcödé/file');
  assert.equal(headers[0]?.mtime, 1747699200);
  assert.equal(headers[0]?.uid, 4242);
  assert.deepEqual(headers[0]?.xattrs?.['user.note'], Uint8Array.from([0xff, 0]));
  assert.equal(headers[1]?.path, 'second');
  assert.equal(headers[1]?.uid, 4242);
  assert.equal(headers[1]?.xattrs, undefined);
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

test('v7 archives: a regular-file entry ending in / is a directory', () => {
  const { headers } = parse(Buffer.concat([header('old/', '0', 0, undefined, '\0\0\0\0\0\0\0\0'), Buffer.alloc(1024)]));
  assert.equal(headers[0]?.type, 'dir');
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

test('hostile xattr names: __proto__ stays a plain key and bad URL encoding is kept as written', () => {
  const body = Buffer.from(record('SCHILY.xattr.__proto__', 'ab') + record('LIBARCHIVE.xattr.%E0%A4%A', 'YQ'));
  const { headers } = parse(
    Buffer.concat([header('PaxHeaders/f', 'x', body.length), pad(body), header('f', '0'), Buffer.alloc(1024)]),
  );
  const xattrs = headers[0]?.xattrs ?? {};
  assert.deepEqual(Object.keys(xattrs).sort(), ['%E0%A4%A', '__proto__']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(xattrs, '__proto__')?.value, Uint8Array.from(Buffer.from('ab')));
  assert.equal(Object.getPrototypeOf(xattrs), null);
});
