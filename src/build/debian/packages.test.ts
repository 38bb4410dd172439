import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNamedPackages, parsePackages } from './packages.ts';

const origin = { url: 'file:/repo', suite: 'stable', component: 'main' };

function stanza(name: string, version: string, extra = ''): string {
  return [
    `Package: ${name}`,
    `Version: ${version}`,
    'Architecture: amd64',
    `Filename: pool/main/${name}_${version}_amd64.deb`,
    'Size: 10',
    `SHA256: ${'a'.repeat(64)}`,
    `Description: ${name}${extra}`,
  ].join('\n');
}

test('the named scan finds the first and the last stanza and what parsing all would, and nothing else', () => {
  // a continuation line that reads like a field is part of a Description, not a stanza
  const text = [stanza('first', '1'), stanza('middle', '2', '\n Package: last'), stanza('last', '3')].join('\n\n');
  const all = parsePackages(text, origin, 'Packages');
  const named = parseNamedPackages(Buffer.from(text), new Set(['first', 'last']), origin, 'Packages');
  assert.deepEqual(
    named,
    all.filter((p) => p.name !== 'middle'),
  );
  assert.deepEqual(
    parseNamedPackages(Buffer.from(`${text}\n`), new Set(['middle']), origin, 'Packages').map((p) => p.version),
    ['2'],
  );
  assert.deepEqual(parseNamedPackages(Buffer.from(text), new Set(['absent']), origin, 'Packages'), []);
});
