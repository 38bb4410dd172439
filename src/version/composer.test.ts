import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { composerScheme, normalizeComposerVersion } from './composer.ts';
import {
  assertTotalOrder,
  composerOracle,
  disagreements,
  realVersions,
  requireOracle,
  samplePairs,
} from './testdata/oracles.ts';

/** Pieces that hit VersionParser::normalize and version_compare: every stability spelling and case, branches, dates. */
const piece = fc.constantFrom(
  '.',
  '-',
  '_',
  '0',
  '1',
  '2',
  '10',
  'alpha',
  'ALPHA',
  'Alpha',
  'beta',
  'Beta',
  'a',
  'A',
  'b',
  'B',
  'rc',
  'RC',
  'Rc',
  'p',
  'P',
  'pl',
  'PL',
  'patch',
  'Patch',
  'stable',
  'STABLE',
  'Stable',
  'dev',
  'DEV',
  'x',
  '+build',
  '@dev',
  '@stable',
  '99999999999999999999',
);
const version = fc
  .tuple(
    fc.constantFrom('', 'v', 'V'),
    fc.constantFrom('1', '2', '0', '1.0', '2.0.1', '10', '1.2.3.4', '123456', '20240101', '2024.01.01'),
    fc.array(piece, { maxLength: 5 }),
  )
  .map(([v, head, tail]) => v + head + tail.join(''));

test('Packagist ordering equals composer/semver normalize + PHP version_compare on 5,000 generated and real versions', () => {
  requireOracle(composerOracle);
  const versions = [...fc.sample(version, { numRuns: 5000, seed: 20250514 }), ...realVersions('packagist.txt')];
  assert.deepEqual(disagreements(composerScheme, composerOracle, versions, samplePairs(versions, 3000, 2)), []);
});

test('Packagist ordering is a total order on generated versions (antisymmetric, transitive)', () => {
  assertTotalOrder(composerScheme, version, 19);
});

test('Packagist: stability suffixes are normalised as Composer does (case, stable, a/b/p/pl)', () => {
  const cases: [string, string][] = [
    ['v1.2', '1.2.0.0'],
    ['1.0.0-Beta1', '1.0.0.0-beta1'],
    ['1.0.0-ALPHA', '1.0.0.0-alpha'],
    ['1.0.0-b2', '1.0.0.0-beta2'],
    ['1.0-rc.1', '1.0.0.0-RC1'],
    ['1.0.0-pl3', '1.0.0.0-patch3'],
    ['1.0.0-p3', '1.0.0.0-patch3'],
    ['1.0.0-stable', '1.0.0.0'],
    ['1.0.0-STABLE', '1.0.0.0-stable'],
    ['2.x-dev', '2.9999999.9999999.9999999-dev'],
    ['1.0.0+build.5', '1.0.0.0'],
  ];
  for (const [input, normalized] of cases) assert.equal(normalizeComposerVersion(input), normalized, input);
  assert.equal(composerScheme.compare('1.0.0-Beta1', '1.0.0-beta1'), 0);
  assert.equal(composerScheme.compare('1.0.0-stable', '1.0.0'), 0);
  assert.equal(composerScheme.compare('1.0.0-b2', '1.0.0-beta2'), 0);
  assert.equal(composerScheme.compare('1.0.0-pl1', '1.0.0-patch1'), 0);
  assert.ok(composerScheme.compare('1.0.0-Beta1', '1.0.0-RC1') < 0);
  const ascending = ['1.0.0-dev', '1.0.0-alpha1', '1.0.0-beta2', '1.0.0-RC1', '1.0.0', '1.0.0-p1', '1.0.1', 'v1.2'];
  for (let i = 1; i < ascending.length; i++) {
    assert.ok(
      composerScheme.compare(ascending[i - 1] as string, ascending[i] as string) < 0,
      `${ascending[i - 1]} < ${ascending[i]}`,
    );
  }
  for (const v of ['dev-main', 'master', '1.0-foo', 'abc', '']) assert.equal(composerScheme.valid(v), false, v);
});
