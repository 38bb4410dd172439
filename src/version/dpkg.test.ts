import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareDpkgVersions, parseDpkgVersion } from './dpkg.ts';

/** Pieces chosen so generated versions collide often on the interesting characters (`~`, `+`, `.`, 0-padding). */
const piece = fc.constantFrom(
  '0',
  '1',
  '2',
  '9',
  '10',
  '01',
  '00',
  'a',
  'b',
  'z',
  'A',
  '~',
  '+',
  '.',
  '~rc1',
  'deb12u1',
);
const upstream = fc
  .tuple(fc.constantFrom('0', '1', '2', '10', '3.0'), fc.array(piece, { maxLength: 5 }))
  .map(([h, t]) => h + t.join(''));
const revision = fc.array(fc.constantFrom('0', '1', '2', '+', '~', '.', 'deb', 'u', 'b1'), {
  minLength: 1,
  maxLength: 4,
});
const dpkgVersion = fc
  .tuple(fc.option(fc.constantFrom('0', '1', '2', '10')), upstream, fc.option(revision))
  .map(([e, u, r]) => `${e === null ? '' : `${e}:`}${u}${r === null ? '' : `-${r.join('')}`}`)
  .filter((v) => parseDpkgVersion(v) !== undefined && !v.includes(' '));

/**
 * Asks dpkg itself `a OP b` for each triple, in one shell process (one fork per dpkg call, none per pair otherwise).
 * Returns the triples dpkg rejected.
 */
function dpkgRejects(checks: readonly (readonly [string, 'lt' | 'eq', string])[]): string[] {
  const script = 'while read -r a op b; do dpkg --compare-versions "$a" "$op" "$b" || echo "$a $op $b"; done';
  const result = spawnSync('sh', ['-c', script], {
    input: checks.map(([a, op, b]) => `${a} ${op} ${b}\n`).join(''),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`dpkg oracle failed: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line !== '');
}

const dpkgMissing = spawnSync('dpkg', ['--version']).status === 0 ? undefined : 'dpkg is not installed';

test('dpkg ordering agrees with dpkg --compare-versions on every pair of 1,500 generated versions', {
  skip: dpkgMissing,
}, () => {
  const versions = fc.sample(dpkgVersion, { numRuns: 1500, seed: 20241125 });
  // Equal-but-differently-written versions, which random generation rarely produces.
  versions.push('1.0', '1.0-0', '0:1.0', '1.01', '1.1', '1.0~rc1', '1.0+b1', '1.00-00');
  // Sort with our order, then let dpkg confirm each adjacent step (lt, or eq for ties). Both are total orders,
  // so agreement on the chain means agreement on all ~1.1 million pairs, at one dpkg call per version.
  const sorted = [...new Set(versions)].sort(compareDpkgVersions);
  const checks = sorted.slice(1).map((v, i) => {
    const prev = sorted[i] as string;
    return [prev, compareDpkgVersions(prev, v) === 0 ? 'eq' : 'lt', v] as const;
  });
  assert.ok(checks.length > 1000);
  assert.deepEqual(dpkgRejects(checks), []);
});

test('dpkg ordering is antisymmetric and transitive on generated triples', () => {
  fc.assert(
    fc.property(dpkgVersion, dpkgVersion, dpkgVersion, (a, b, c) => {
      assert.equal(Math.sign(compareDpkgVersions(a, b)), -Math.sign(compareDpkgVersions(b, a)));
      if (compareDpkgVersions(a, b) <= 0 && compareDpkgVersions(b, c) <= 0) assert.ok(compareDpkgVersions(a, c) <= 0);
    }),
    { numRuns: 2000, seed: 7 },
  );
});

test('dpkg ordering handles the Debian cases that matter for backports', () => {
  const ascending = [
    '1.0~~',
    '1.0~',
    '1.0~rc1',
    '1.0',
    '1.0-1',
    '1.0-1+deb12u1',
    '1.0-2~bpo12+1',
    '1.0-2',
    '1.0a',
    '1.0+dfsg',
    '1:0.1',
    '2:1.20.11-1+deb11u6',
  ];
  for (let i = 1; i < ascending.length; i++) {
    assert.ok(
      compareDpkgVersions(ascending[i - 1] as string, ascending[i] as string) < 0,
      `${ascending[i - 1]} < ${ascending[i]}`,
    );
  }
  assert.equal(parseDpkgVersion('a1.0'), undefined);
  assert.equal(parseDpkgVersion('x:1.0'), undefined);
});
