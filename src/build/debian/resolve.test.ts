import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSgciError } from '../../core/index.ts';
import type { BinaryPackage } from './packages.ts';
import { PackageList } from './packages-index.ts';
import { parseRelations } from './relations.ts';
import { type Closure, resolveClosure } from './resolve.ts';
import { PackageUniverse } from './universe.ts';

function pkg(name: string, fields: Partial<BinaryPackage> = {}): BinaryPackage {
  return {
    name,
    version: '1.0',
    architecture: 'amd64',
    multiArch: 'no',
    source: name,
    sourceVersion: fields.version ?? '1.0',
    essential: false,
    priority: undefined,
    preDepends: undefined,
    depends: undefined,
    provides: undefined,
    conflicts: undefined,
    breaks: undefined,
    filename: `pool/${name}.deb`,
    size: 1,
    sha256: '0'.repeat(64),
    origin: { url: 'file:/repo', suite: 'testing', component: 'main' },
    ...fields,
  };
}

const names = (closure: Closure) => closure.packages.map((p) => `${p.name} ${p.version}`);
const resolve = (packages: BinaryPackage[], request: string[], excludes: string[] = [], arch = 'amd64') =>
  resolveClosure(new PackageUniverse([new PackageList(packages)], arch), { packages: request, excludes });

test('the candidate is the highest version over all suites; an older one never satisfies a relation', () => {
  const old = pkg('lib', { version: '2.0', origin: { url: 'u', suite: 'stable', component: 'main' } });
  const updated = pkg('lib', {
    version: '2.0+deb12u1',
    origin: { url: 'u', suite: 'stable-updates', component: 'main' },
  });
  assert.deepEqual(names(resolve([pkg('app', { depends: 'lib (>= 2.0)' }), updated, old], ['app'])), [
    'app 1.0',
    'lib 2.0+deb12u1',
  ]);
  assert.throws(
    () => resolve([pkg('app', { depends: 'lib (<< 2.0+deb12u1)' }), updated, old], ['app']),
    /app → lib \(<< 2\.0\+deb12u1\) \(Depends\): the candidate lib 2\.0\+deb12u1 \(of 2\.0\+deb12u1, 2\.0\) does not satisfy it/,
  );
});

test('Multi-Arch: `:any` needs allowed; other architectures are not candidates; `all` counts as native', () => {
  const universe = [
    pkg('app', { depends: 'python3:any, perl:any | perl-base, data' }),
    pkg('python3', { multiArch: 'allowed' }),
    pkg('perl', { multiArch: 'foreign' }),
    pkg('perl-base'),
    pkg('data', { architecture: 'all' }),
    pkg('data', { architecture: 'arm64', version: '9.0' }),
  ];
  const closure = resolve(universe, ['app']);
  assert.deepEqual(names(closure), ['app 1.0', 'data 1.0', 'perl-base 1.0', 'python3 1.0']);
  assert.throws(() => resolve([pkg('x', { depends: 'y:arm64' }), pkg('y')], ['x']), /y:arm64/);
});

test('virtual packages: versioned Provides only for versioned relations; a single provider can be requested', () => {
  const universe = [
    pkg('app', { depends: 'mail-transport-agent, awk (>= 1:4)' }),
    pkg('exim4', { provides: 'mail-transport-agent', priority: 'standard' }),
    pkg('postfix', { provides: 'mail-transport-agent', priority: 'optional' }),
    pkg('mawk', { provides: 'awk' }),
    pkg('gawk', { provides: 'awk (= 1:5.2.1)', priority: 'optional' }),
  ];
  assert.deepEqual(names(resolve(universe, ['app'])), ['app 1.0', 'exim4 1.0', 'gawk 1.0']);
  assert.deepEqual(names(resolve(universe, ['awk (>= 1:5)'])), ['gawk 1.0']);
  assert.throws(
    () => resolve(universe, ['mail-transport-agent']),
    (error: unknown) => isSgciError(error, 'USAGE') && /provided by exim4, postfix/.test(error.message),
  );
});

test('an alternative whose own dependencies fail is abandoned, and what it pulled in is dropped (as apt does)', () => {
  const universe = [
    pkg('app', { depends: 'fancy | plain' }),
    pkg('fancy', { depends: 'helper, broken' }),
    pkg('helper'),
    pkg('broken', { depends: 'missing' }),
    pkg('plain'),
  ];
  const closure = resolve(universe, ['app']);
  assert.deepEqual(names(closure), ['app 1.0', 'plain 1.0']);
  assert.deepEqual(closure.packages.find((p) => p.name === 'plain')?.why, {
    kind: 'dependency',
    parent: 'app',
    field: 'Depends',
    relation: 'fancy | plain',
  });
});

test('requested packages are marked before any dependency: a request satisfies another one’s or-group', () => {
  const universe = [pkg('app', { depends: 'a | b' }), pkg('a'), pkg('b')];
  assert.deepEqual(names(resolve(universe, ['app', 'b'])), ['app 1.0', 'b 1.0']);
});

test('excludes cut the closure and report what they cut; a stale exclude reports nothing cut', () => {
  const universe = [
    pkg('tzdata', { depends: 'debconf (>= 0.5) | debconf-2.0', architecture: 'all' }),
    pkg('debconf', { provides: 'debconf-2.0', depends: 'perl-base' }),
    pkg('perl-base'),
  ];
  const closure = resolve(universe, ['tzdata'], ['debconf', 'gone']);
  assert.deepEqual(names(closure), ['tzdata 1.0']);
  assert.deepEqual(closure.excluded, [
    { name: 'debconf', cuts: [{ from: 'tzdata', field: 'Depends', relation: 'debconf (>= 0.5) | debconf-2.0' }] },
    { name: 'gone', cuts: [] },
  ]);
  assert.throws(() => resolve(universe, ['debconf'], ['debconf']), /both requested and excluded/);
});

test('Pre-Depends come before Depends, and an unmet one names the chain', () => {
  const universe = [pkg('a', { depends: 'b' }), pkg('b', { preDepends: 'c (>= 2)' }), pkg('c')];
  assert.throws(
    () => resolve(universe, ['a']),
    (error: unknown) =>
      isSgciError(error, 'DEPENDENCY_UNMET') && error.message.includes('a → b → c (>= 2) (Pre-Depends)'),
  );
});

test('a closure with two packages that exclude each other is refused, naming both; self-conflicts are fine', () => {
  const universe = [
    pkg('app', { depends: 'mta, logger' }),
    pkg('mta', { provides: 'mail-transport-agent', conflicts: 'mail-transport-agent' }),
    pkg('logger', { breaks: 'mta (<< 2)' }),
  ];
  assert.throws(
    () => resolve(universe, ['app']),
    (error: unknown) =>
      isSgciError(error, 'DEPENDENCY_UNMET') &&
      error.message.includes('logger Breaks: mta (<< 2), but mta 1.0 is in the closure'),
  );
  assert.deepEqual(names(resolve(universe.slice(0, 2), ['mta'])), ['mta 1.0']);
});

/** A small universe: names from a pool so relations meet, every field real control syntax. */
const universe = fc
  .uniqueArray(
    fc.record({
      name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      version: fc.constantFrom('1', '2', '1:0', '2~rc1'),
      architecture: fc.constantFrom('amd64', 'all', 'arm64'),
      multiArch: fc.constantFrom('no', 'same', 'foreign', 'allowed') as fc.Arbitrary<BinaryPackage['multiArch']>,
      depends: fc
        .array(
          fc
            .array(
              fc.tuple(
                fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'v'),
                fc.constantFrom('', ':any', ' (>= 2)', ' (<< 2)'),
              ),
              {
                minLength: 1,
                maxLength: 2,
              },
            )
            .map((alts) => alts.map(([n, r]) => n + r).join(' | ')),
          { maxLength: 3 },
        )
        .map((groups) => groups.join(', ')),
      provides: fc.constantFrom('', 'v', 'v (= 2)'),
    }),
    { maxLength: 12, selector: (p) => `${p.name} ${p.version}` },
  )
  .map((list) => list.map((p) => pkg(p.name, { ...p, sourceVersion: p.version, provides: p.provides || undefined })));

test('property: a closure is closed, its reasons name packages in it, and the order of the index does not matter', () => {
  fc.assert(
    fc.property(universe, fc.constantFrom('a', 'b', 'c'), fc.boolean(), (packages, request, cutV) => {
      const excludes = cutV ? ['v'] : [];
      let closure: Closure;
      try {
        closure = resolve(packages, [request], excludes);
      } catch (error) {
        if (isSgciError(error, 'DEPENDENCY_UNMET')) return;
        throw error;
      }
      const inClosure = new Map(closure.packages.map((p) => [p.name, p]));
      const universe = new PackageUniverse([new PackageList(packages)], 'amd64');
      for (const p of closure.packages) {
        assert.ok(p.architecture === 'amd64' || p.architecture === 'all', `${p.name} is ${p.architecture}`);
        if (p.why.kind === 'dependency') assert.ok(inClosure.has(p.why.parent), `${p.name} pulled by ${p.why.parent}`);
        for (const group of parseRelations(`${p.preDepends ?? ''},${p.depends ?? ''}`, p.name)) {
          const met = group.some(
            (r) => excludes.includes(r.name) || universe.satisfiers(r).some((s) => inClosure.get(s.name) !== undefined),
          );
          assert.ok(met, `${p.name}: ${group.map((r) => r.name).join(' | ')} unmet in the closure`);
        }
      }
      const reversed = resolve([...packages].reverse(), [request], excludes);
      assert.deepEqual(names(reversed), names(closure));
    }),
    { numRuns: 300 },
  );
});
