import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../../test/helpers/tar-variants.ts';
import { compileGlob, globToRegExp, literalPrefix, literalSuffix } from './glob.ts';
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

/** Globs and paths built from the shapes catalogers use, so the suffix pre-checks meet every case. */
function generatedGlobsAndPaths(): { globs: string[]; paths: string[] } {
  const random = new Random(17);
  const patternSegments = ['**', '*', '?', 'a', 'b.json', '*.json', '*dist-info', 'x?', '@*', 'a*b', 'node_modules'];
  const pathSegments = ['a', 'b.json', 'x.json', 'ab', 'axb', 'xy', 'x', 'node_modules', '@s', 'pkg.dist-info', 'b'];
  const globs: string[] = [];
  for (let i = 0; i < 300; i++) {
    const segments = Array.from({ length: 1 + random.int(4) }, () => random.pick(patternSegments));
    globs.push(`${random.chance(0.5) ? '/' : ''}${segments.join('/')}`);
  }
  const paths = ['/'];
  for (let i = 0; i < 400; i++) {
    paths.push(`/${Array.from({ length: 1 + random.int(5) }, () => random.pick(pathSegments)).join('/')}`);
  }
  return { globs, paths };
}

test('a compiled glob answers as its RegExp alone, on generated globs and paths', () => {
  const { globs, paths } = generatedGlobsAndPaths();
  for (const glob of globs) {
    const compiled = compileGlob(glob);
    const regex = globToRegExp(glob);
    for (const path of paths) assert.equal(compiled(path), regex.test(path), `${glob} on ${path}`);
  }
});

test('compiled needs answer as the union of their paths and globs, on generated globs and paths', () => {
  const { globs, paths } = generatedGlobsAndPaths();
  for (let start = 0; start < globs.length; start += 12) {
    const some = globs.slice(start, start + 12);
    const wants = compileNeeds({ paths: ['/a/b.json'], globs: some });
    for (const path of paths) {
      const expected = path === '/a/b.json' || some.some((glob) => globToRegExp(glob).test(path));
      assert.equal(wants(path), expected, `${some.join(' ')} on ${path}`);
    }
  }
});

test('the literal suffix is what follows the last wildcard, without its leading slash', () => {
  assert.equal(literalSuffix('**/*.deps.json'), '.deps.json');
  assert.equal(literalSuffix('**/node_modules/@*/*/package.json'), 'package.json');
  assert.equal(literalSuffix('**/var/lib/dpkg/status'), 'var/lib/dpkg/status');
  assert.equal(literalSuffix('/var/lib/dpkg/status.d/*'), '');
  assert.equal(literalSuffix('/etc/passwd'), 'etc/passwd');
});

test('the literal prefix is the directory before the first wildcard, anchored at the root as the glob is', () => {
  assert.equal(literalPrefix('/var/lib/dpkg/info/*.list'), '/var/lib/dpkg/info');
  assert.equal(literalPrefix('usr/share/doc/*/copyright'), '/usr/share/doc');
  assert.equal(literalPrefix('/usr/lib/libfoo*.so'), '/usr/lib');
  // `/usr/**` matches /usr itself too: the prefix stops before the slash
  assert.equal(literalPrefix('/usr/**'), '/usr');
  assert.equal(literalPrefix('/etc/passwd'), '/etc/passwd');
  assert.equal(literalPrefix('**/package.json'), '');
  assert.equal(literalPrefix('*.txt'), '');
});
