import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import semver from 'semver';
import {
  apkScheme,
  compareGemVersions,
  compareNugetVersions,
  composerScheme,
  dpkgScheme,
  gemScheme,
  goScheme,
  mavenScheme,
  nugetScheme,
  pep440Scheme,
  rpmScheme,
  schemeForEcosystem,
  semverScheme,
} from './index.ts';

function assertAscending(name: string, compare: (a: string, b: string) => number, versions: readonly string[]) {
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      const want = Math.sign(i - j);
      assert.equal(
        Math.sign(compare(versions[i] as string, versions[j] as string)),
        want,
        `${name}: ${versions[i]} vs ${versions[j]}`,
      );
    }
  }
}

test('NuGet ordering: four parts, case-insensitive labels', () => {
  assertAscending('nuget', compareNugetVersions, [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0',
    '1.0.0.1',
    '1.0.1',
  ]);
  assert.equal(compareNugetVersions('1.0.0-BETA', '1.0.0-beta'), 0);
  assert.equal(compareNugetVersions('1.0', '1.0.0.0'), 0);
});

test('RubyGems ordering: prereleases and canonical segments', () => {
  assertAscending('gem', compareGemVersions, ['1.0.a', '1.0.b1', '1.0.rc1', '1.0', '1.0.1', '1.1', '2.1.4', '10.0']);
  assert.equal(compareGemVersions('1.0', '1'), 0);
  assert.equal(compareGemVersions('1.0.0', '1'), 0);
});

test('SemVer ordering agrees with the semver package on generated versions', () => {
  const id = fc.constantFrom('alpha', 'beta', 'rc', '1', '2', '10', 'x-y');
  const version = fc
    .tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.array(id, { maxLength: 3 }))
    .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre.length > 0 ? `-${pre.join('.')}` : ''}`);
  fc.assert(
    fc.property(version, version, (a, b) => {
      assert.equal(Math.sign(semverScheme.compare(a, b)), semver.compare(a, b));
      assert.equal(Math.sign(goScheme.compare(`v${a}`, b)), semver.compare(a, b));
    }),
    { numRuns: 3000, seed: 3 },
  );
  assert.ok(goScheme.compare('v0.0.0-20210101000000-abcdefabcdef', 'v0.0.0-20220101000000-abcdefabcdef') < 0);
  assert.ok(goScheme.compare('v0.0.0-20220101000000-abcdefabcdef', '0.0.1') < 0);
  assert.equal(goScheme.compare('v2.0.0+incompatible', '2.0.0'), 0);
});

test('schemeForEcosystem picks the ordering by OSV ecosystem prefix', () => {
  assert.equal(schemeForEcosystem('Debian:12')?.name, 'dpkg');
  assert.equal(schemeForEcosystem('Alpine:v3.20')?.name, 'apk');
  assert.equal(schemeForEcosystem('Red Hat:enterprise_linux:9::appstream')?.name, 'rpm');
  assert.equal(schemeForEcosystem('PyPI')?.name, 'pep440');
  assert.equal(schemeForEcosystem('Hackage'), undefined);
});

test('every ordering is total: invalid versions sort after valid ones, never between them as plain strings', () => {
  const schemes = [
    apkScheme,
    composerScheme,
    dpkgScheme,
    gemScheme,
    goScheme,
    mavenScheme,
    nugetScheme,
    pep440Scheme,
    rpmScheme,
    semverScheme,
  ];
  const samples = [
    '1.0',
    '1.0.0',
    '2.0-r1',
    '1:2.0-1',
    'v1.2',
    '0.9',
    '10',
    'zzz',
    '~',
    '',
    ' ',
    '1..\u0000',
    'x'.repeat(300),
  ];
  for (const scheme of schemes) {
    const sorted = [...samples].sort((a, b) => scheme.compare(a, b));
    const firstInvalid = sorted.findIndex((v) => !scheme.valid(v));
    assert.ok(firstInvalid > 0, `${scheme.name} understands some samples`);
    assert.ok(
      sorted.slice(firstInvalid).every((v) => !scheme.valid(v)),
      `${scheme.name}: ${sorted.join(' | ')}`,
    );
    for (const a of samples) for (const b of samples) assert.equal(scheme.compare(a, b), 0 - scheme.compare(b, a) || 0);
  }
  assert.equal(dpkgScheme.valid('1'.repeat(257)), false, 'versions past 256 characters are refused, not parsed');
});
