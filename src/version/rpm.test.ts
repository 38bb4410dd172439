import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseEvr, rpmScheme, rpmvercmp } from './rpm.ts';
import {
  assertTotalOrder,
  disagreements,
  realVersions,
  requireOracle,
  rpmOracle,
  samplePairs,
} from './testdata/oracles.ts';

/** Pieces that hit rpmvercmp and parseEVR: separators, `~`, `^`, colons in odd places, releases or none. */
const piece = fc.constantFrom(
  '.',
  '-',
  '_',
  '+',
  '~',
  '^',
  '0',
  '1',
  '2',
  '10',
  '00',
  'a',
  'b',
  'rc',
  'el9',
  'git',
  ':',
);
const version = fc
  .tuple(
    fc.option(fc.constantFrom('0:', '1:', '2:', '10:', ':', 'a:', '1a:', 'x:')),
    fc.constantFrom('1', '2', '0', '1.0', '2.0.1', '10', 'a'),
    fc.array(piece, { maxLength: 6 }),
  )
  .map(([epoch, head, tail]) => (epoch ?? '') + head + tail.join(''));

test('rpm ordering equals rpm 4.18 (rpm.ver: parseEVR + rpmverCmp) on 5,000 generated and real EVRs', () => {
  requireOracle(rpmOracle);
  const versions = [...fc.sample(version, { numRuns: 5000, seed: 20250514 }), ...realVersions('rpm.txt')];
  assert.deepEqual(disagreements(rpmScheme, rpmOracle, versions, samplePairs(versions, 3000, 3)), []);
});

test('rpm: text before a colon that is not all digits belongs to the version', () => {
  assert.deepEqual(parseEvr('a:1.0-1'), { version: 'a:1.0', release: '1' });
  assert.deepEqual(parseEvr('1:2.0-3'), { epoch: '1', version: '2.0', release: '3' });
  assert.deepEqual(parseEvr(':2.0'), { epoch: '0', version: '2.0' });
  assert.ok(rpmScheme.compare('a:1.0-1', 'b:0.9-1') < 0, 'a:1.0 vs b:0.9 compares the whole text, not 1.0 vs 0.9');
  assert.ok(rpmScheme.compare('1a:2', '1:2') < 0, '1a:2 has no epoch');
});

test('rpm: a missing release is older than any release, so the order is total and transitive', () => {
  assert.ok(rpmScheme.compare('1.0', '1.0-1') < 0);
  assert.ok(rpmScheme.compare('1.0', '1.0-~') < 0);
  assert.ok(rpmScheme.compare('1.0-1', '1.0-2') < 0);
  assert.ok(rpmScheme.compare('1:1.0', '1.1-1') > 0);
  assertTotalOrder(rpmScheme, version, 13);
});

test('rpmvercmp follows rpm including ~ and ^', () => {
  // Cases from rpm's tests/rpmvercmp.at.
  const cases: [string, string, number][] = [
    ['1.0', '1.0', 0],
    ['1.0', '2.0', -1],
    ['2.0.1', '2.0', 1],
    ['2.0.1a', '2.0.1', 1],
    ['5.5p1', '5.5p2', -1],
    ['5.5p10', '5.5p1', 1],
    ['10xyz', '10.1xyz', -1],
    ['xyz10', 'xyz10.1', -1],
    ['xyz.4', '8', -1],
    ['2_0', '2_0', 0],
    ['2.0', '2_0', 0],
    ['a', 'a', 0],
    ['a+', 'a_', 0],
    ['+', '_', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0~rc1', '1.0~rc2', -1],
    ['1.0~rc1~git123', '1.0~rc1', -1],
    ['1.0^', '1.0', 1],
    ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.01', -1],
    ['1.0^20160101', '1.0.1', -1],
    ['1.0~rc1^git1', '1.0~rc1', 1],
    ['1.0^git1~pre', '1.0^git1', -1],
  ];
  for (const [a, b, want] of cases) assert.equal(rpmvercmp(a, b), want, `${a} vs ${b}`);
  assert.ok(rpmScheme.compare('7.76.1-26.el9_3.2', '7.76.1-26.el9_3.3') < 0);
  for (const v of ['', '1.0 beta', '1.0\t']) assert.equal(rpmScheme.valid(v), false, JSON.stringify(v));
});
