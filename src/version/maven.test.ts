import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mavenScheme } from './maven.ts';
import {
  assertTotalOrder,
  disagreements,
  mavenOracle,
  realVersions,
  requireOracle,
  samplePairs,
} from './testdata/oracles.ts';

/** Pieces that hit ComparableVersion's rules: separators, transitions, known and unknown qualifiers, long numbers. */
const piece = fc.constantFrom(
  '.',
  '-',
  '0',
  '1',
  '2',
  '10',
  '00',
  'alpha',
  'beta',
  'a',
  'b',
  'm',
  'rc',
  'RC',
  'cr',
  'milestone',
  'SNAPSHOT',
  'ga',
  'final',
  'Final',
  'RELEASE',
  'sp',
  'jre',
  'M',
  'x',
  '1234567890',
  '12345678901234567890',
  '0000000000',
);
const version = fc
  .tuple(fc.constantFrom('1', '2', '0', '1.0', '2.0.1', '10', '5.3.0.'), fc.array(piece, { maxLength: 6 }))
  .map(([head, tail]) => head + tail.join(''));

test('Maven ordering equals maven-artifact ComparableVersion on 5,000 generated and real versions', () => {
  requireOracle(mavenOracle);
  const versions = [...fc.sample(version, { numRuns: 5000, seed: 20250514 }), ...realVersions('maven.txt')];
  assert.deepEqual(disagreements(mavenScheme, mavenOracle, versions, samplePairs(versions, 3000, 1)), []);
});

test('Maven ordering is a total order on generated versions (antisymmetric, transitive)', () => {
  assertTotalOrder(mavenScheme, version, 17);
});

test('Maven 3.9: a qualifier after a dot is the qualifier after a hyphen (MNG-7644)', () => {
  const equal = [
    ['1.0.0.RC1', '1.0.0-RC1'],
    ['2-abc', '2.0.abc'],
    ['2.0.abc', '2.0.0.abc'],
    ['5.3.0.M2', '5.3.0-M2'],
    ['1.0.RELEASE', '1'],
  ];
  for (const [a, b] of equal) assert.equal(mavenScheme.compare(a as string, b as string), 0, `${a} == ${b}`);
  // Before MNG-7644 a dotted qualifier sat between the numbers: 1.0.0.RC1 > 1.0.0-RC2, 2.0.a > 2-1.
  const ascending = ['1.0.0.M3', '1.0.0.RC1', '1.0.0-RC2', '1.0.0', '2.0.a', '2-1'];
  for (let i = 1; i < ascending.length; i++) {
    const [a, b] = [ascending[i - 1] as string, ascending[i] as string];
    assert.ok(mavenScheme.compare(a, b) < 0, `${a} < ${b}`);
  }
});

test('Maven: numbers longer than an int or a long order after shorter ones, as in Java', () => {
  assert.ok(mavenScheme.compare('1.999999999', '1.1000000000') < 0);
  assert.ok(mavenScheme.compare('1.0000000000.5', '1.5.5') > 0, 'a 10-digit zero is a long, above any int');
  assert.ok(mavenScheme.compare('1.999999999999999999', '1.1000000000000000000') < 0);
});

test('Maven: only printable ASCII without spaces is a version', () => {
  for (const v of ['', '1.0 beta', '1.\u0661', '1.0\n']) assert.equal(mavenScheme.valid(v), false, JSON.stringify(v));
  assert.ok(mavenScheme.valid('1.0-SNAPSHOT'));
});

test('Maven ComparableVersion: qualifiers, padding, separators', () => {
  const ascending = [
    '1-alpha-1',
    '1-alpha2',
    '1-beta-1',
    '1-milestone-1',
    '1-rc-1',
    '1-snapshot',
    '1',
    '1-sp',
    '1-abc',
    '1-1',
    '1.1',
    '1.2.3-rc1',
    '1.2.3',
    '2.14.1',
    '2.15.0',
  ];
  for (let i = 1; i < ascending.length; i++) {
    assert.ok(
      mavenScheme.compare(ascending[i - 1] as string, ascending[i] as string) < 0,
      `${ascending[i - 1]} < ${ascending[i]}`,
    );
  }
  for (const [a, b] of [
    ['1', '1.0.0'],
    ['1.0-ga', '1'],
    ['1-final', '1'],
    ['1cr1', '1rc1'],
  ]) {
    assert.equal(mavenScheme.compare(a as string, b as string), 0, `${a} == ${b}`);
  }
});
