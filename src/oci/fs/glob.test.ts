import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGlob } from './glob.ts';
import { compileNeeds, mergeNeeds } from './needs.ts';

const cases: [pattern: string, path: string, expected: boolean][] = [
  ['**/var/lib/dpkg/status', '/var/lib/dpkg/status', true],
  ['**/var/lib/dpkg/status', '/chroot/var/lib/dpkg/status', true],
  ['**/var/lib/dpkg/status', '/xvar/lib/dpkg/status', false],
  ['**/var/lib/dpkg/status.d/*', '/var/lib/dpkg/status.d/base-files', true],
  ['**/var/lib/dpkg/status.d/*', '/var/lib/dpkg/status.d/a/b', false],
  ['/usr/**/bin', '/usr/bin', true],
  ['/usr/**/bin', '/usr/local/sbin/x/bin', true],
  ['/usr/**/bin', '/usr/binx', false],
  ['etc/passwd', '/etc/passwd', true],
  ['/etc/*.conf', '/etc/ld.so.conf', true],
  ['/etc/*.conf', '/etc/ld.so.conf.d/x.conf', false],
  ['/etc/?asswd', '/etc/passwd', true],
  ['/etc/?asswd', '/etc/pa/swd', false],
  ['/app/**', '/app', true],
  ['/app/**', '/app/node_modules/x/package.json', true],
  ['/app/**', '/apple', false],
  ['**', '/anything/at/all', true],
  ['/a+b(c)[d]$', '/a+b(c)[d]$', true],
  ['/a.b', '/axb', false],
  ['**/node_modules/*/package.json', '/app/node_modules/express/package.json', true],
  ['**/node_modules/*/package.json', '/app/node_modules/@types/node/package.json', false],
];

for (const [pattern, path, expected] of cases) {
  test(`glob ${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
    assert.equal(compileGlob(pattern)(path), expected);
  });
}

test('compiled needs match exact paths and all globs through one test', () => {
  const wants = compileNeeds({ paths: ['etc/os-release'], globs: ['/etc/passwd', '**/*.dist-info/METADATA'] });
  assert.equal(wants('/etc/os-release'), true);
  assert.equal(wants('/etc/passwd'), true);
  assert.equal(wants('/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA'), true);
  assert.equal(wants('/etc/shadow'), false);
  assert.equal(compileNeeds({})('/etc/passwd'), false);
});

test('mergeNeeds unions paths and globs sorted and keeps each visitor once', () => {
  const visitor = { name: 'v', wants: () => undefined, visit: () => {} };
  const merged = mergeNeeds(
    { paths: ['/etc/passwd', 'etc/group'], visitors: [visitor] },
    { paths: ['/etc/passwd'], globs: ['**/b', '**/a'], visitors: [visitor] },
  );
  assert.deepEqual(merged.paths, ['/etc/group', '/etc/passwd']);
  assert.deepEqual(merged.globs, ['**/a', '**/b']);
  assert.deepEqual(merged.visitors, [visitor]);
});
