import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { pep440Scheme } from './pep440.ts';
import {
  assertTotalOrder,
  disagreements,
  packagingOracle,
  realVersions,
  requireOracle,
  samplePairs,
} from './testdata/oracles.ts';

/** Pieces that hit PEP 440's grammar: every pre/post/dev spelling, implicit post, local segments, whitespace. */
const piece = fc.constantFrom(
  '.',
  '-',
  '_',
  '0',
  '1',
  '2',
  '10',
  'a',
  'b',
  'c',
  'rc',
  'RC',
  'alpha',
  'beta',
  'pre',
  'preview',
  'post',
  'rev',
  'r',
  'dev',
  'DEV',
  '+local',
  '+abc.1',
  '+A-b_c',
  '+1',
  '+01',
  '+1.a',
  '+1e5',
  '.post1',
  '.dev0',
  ' ',
  '99999999999999999999',
);
const version = fc
  .tuple(
    fc.constantFrom('', 'v', 'V', '1!', '0!', ' '),
    fc.constantFrom('1', '2', '0', '1.0', '2.0.1', '10', '01', '1.01'),
    fc.array(piece, { maxLength: 5 }),
  )
  .map(([prefix, head, tail]) => prefix + head + tail.join(''));

test('PEP 440 ordering equals packaging.version.Version on 5,000 generated and real versions', () => {
  requireOracle(packagingOracle);
  const versions = [...fc.sample(version, { numRuns: 5000, seed: 20250514 }), ...realVersions('pypi.txt')];
  assert.deepEqual(disagreements(pep440Scheme, packagingOracle, versions, samplePairs(versions, 3000, 4)), []);
});

test('PEP 440 ordering is a total order on generated versions (antisymmetric, transitive)', () => {
  assertTotalOrder(pep440Scheme, version, 23);
});

test('PEP 440: local segments compare as packaging does (words before numbers, 1e5 is a word)', () => {
  assert.ok(pep440Scheme.compare('1.0+0011e5', '1.0+12') < 0);
  assert.ok(pep440Scheme.compare('1.0+abc', '1.0+1') < 0);
  assert.ok(pep440Scheme.compare('1.0', '1.0+abc') < 0);
  assert.ok(pep440Scheme.compare('1.0+abc', '1.0.post0') < 0);
  assert.ok(pep440Scheme.compare('1.0.dev0', '1.0a0') < 0);
  assert.equal(pep440Scheme.compare(' 1.0 ', '1.0.0'), 0);
  for (const v of ['1.0-foo', 'x', '', '1.0+ſ']) assert.equal(pep440Scheme.valid(v), false, JSON.stringify(v));
});
