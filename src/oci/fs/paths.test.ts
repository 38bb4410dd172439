import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { normalizeImagePath } from './paths.ts';

/**
 * The reference: resolve against `/` (`..` stops there); escaped when absolute or climbing with `..`,
 * except the root entry itself (`/`, `./`, `.`), which tars write and which is no escape.
 */
function reference(raw: string): { path: string; escaped: boolean } {
  const body = raw.replace(/^\.\//, '').replace(/\/+$/, '');
  if (body === '' || body === '.') return { path: '/', escaped: false };
  const escaped = body.startsWith('/') || body.split('/').includes('..');
  return { path: posix.resolve('/', raw), escaped };
}

const segment = fc.constantFrom('', '.', '..', 'usr', 'bin', '.bashrc', '..hidden', '.wh.file', 'a.b', '...', 'x.');

test('normalizeImagePath agrees with posix.resolve from the root, and flags absolute and climbing paths', () => {
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (parts, absolute) => {
      const raw = `${absolute ? '/' : ''}${parts.join('/')}`;
      assert.deepEqual(normalizeImagePath(raw), reference(raw), JSON.stringify(raw));
    }),
    { numRuns: 2000 },
  );
});

test('tar header shapes: ./ prefixes, trailing slashes, dot files', () => {
  for (const [raw, path] of [
    ['./usr/bin/', '/usr/bin'],
    ['usr//bin/.', '/usr/bin'],
    ['root/.ssh/id_rsa', '/root/.ssh/id_rsa'],
    ['.', '/'],
    ['./', '/'],
    ['', '/'],
  ] as const) {
    assert.deepEqual(normalizeImagePath(raw), { path, escaped: false }, raw);
  }
});
