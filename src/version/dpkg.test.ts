import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareDpkgVersions, dpkgScheme, parseDpkgVersion } from './dpkg.ts';
import { disagreements, dpkgOracle, requireOracle, samplePairs } from './testdata/oracles.ts';

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

/** Strings that probe dpkg's syntax rules: spaces, colons, hyphens and characters in every part. */
const dpkgSyntaxProbe = fc
  .tuple(
    fc.option(fc.constantFrom('0:', '1:', '10:', 'a:', ':', '', ' ')),
    fc.constantFrom('0', '1', '2', '10', '3.0', 'a', ''),
    fc.array(fc.constantFrom('0', '1', 'a', 'A', '~', '+', '.', '-', '-1', ':', ' ', '_', '%', '1:', 'a:'), {
      maxLength: 6,
    }),
  )
  .map(([e, u, t]) => (e ?? '') + u + t.join(''));

/**
 * Asks the C dpkg, in one shell process (dpkg answers one question per run): `--validate-version` for each version,
 * `--compare-versions a lt|eq b` for each pair. Returns what dpkg disagreed with.
 */
function dpkgRejects(
  validity: readonly string[],
  order: readonly (readonly [string, 'lt' | 'eq', string])[],
): string[] {
  const script = [
    'while IFS= read -r kind; do',
    '  if [ "$kind" = v ]; then IFS= read -r v; ok=0; dpkg --validate-version "$v" 2>/dev/null || ok=1; echo "v $ok $v";',
    '  else IFS= read -r a; IFS= read -r op; IFS= read -r b; dpkg --compare-versions "$a" "$op" "$b" || echo "o $a $op $b"; fi',
    'done',
  ].join('\n');
  const input = [...validity.map((v) => `v\n${v}\n`), ...order.map(([a, op, b]) => `o\n${a}\n${op}\n${b}\n`)].join('');
  const result = spawnSync('sh', ['-c', script], { input, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`dpkg oracle failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('o ') || (line.startsWith('v ') && (line[2] === '0') !== dpkgScheme.valid(line.slice(4))),
    )
    .map((line) => (line.startsWith('v ') ? `${JSON.stringify(line.slice(4))}: dpkg valid=${line[2] === '0'}` : line));
}

// A missing oracle fails the test instead of skipping it: CI installs the tools with scripts/setup.sh.
function requireDpkg(): void {
  if (spawnSync('dpkg', ['--version']).status !== 0) throw new Error('dpkg is not installed: run scripts/setup.sh');
}

test('dpkg ordering equals Dpkg::Version on 5,000 generated and every installed package version (one perl process)', () => {
  requireOracle(dpkgOracle);
  // dpkg-query's own format syntax, not a template string.
  const format = ['$', '{Version}\\n'].join('');
  const installed = spawnSync('dpkg-query', ['-W', '-f', format], { encoding: 'utf8' }).stdout.split('\n');
  assert.ok(installed.length > 100, 'the machine has a dpkg database');
  const versions = [...fc.sample(dpkgVersion, { numRuns: 5000, seed: 20241125 }), ...installed.filter((v) => v !== '')];
  // Equal-but-differently-written versions, which random generation rarely produces.
  versions.push('1.0', '1.0-0', '0:1.0', '1.01', '1.1', '1.0~rc1', '1.0+b1', '1.00-00');
  assert.deepEqual(disagreements(dpkgScheme, dpkgOracle, versions, samplePairs(versions, 3000, 5)), []);
});

test('dpkg validity and ordering equal the C dpkg (--validate-version, --compare-versions) on a sample', () => {
  requireDpkg();
  // The C tool forks per question: a sample here, the thousands go to Dpkg::Version above.
  const probes = fc.sample(dpkgSyntaxProbe, { numRuns: 100, seed: 3 }).filter((v) => !/[\t\n]/.test(v));
  const sorted = [...new Set(fc.sample(dpkgVersion, { numRuns: 80, seed: 9 }))].sort(compareDpkgVersions);
  const chain = sorted.slice(1).map((v, i) => {
    const prev = sorted[i] as string;
    return [prev, compareDpkgVersions(prev, v) === 0 ? 'eq' : 'lt', v] as const;
  });
  assert.deepEqual(dpkgRejects(probes, chain), []);
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
