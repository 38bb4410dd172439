/**
 * The resolver against apt: on the host's real Debian Packages index (what `apt-get update` left in
 * /var/lib/apt/lists, read-only) and on generated universes, sgci's closure must be the set
 * `apt-get install --simulate --no-install-recommends` installs on an empty system, and an
 * unsatisfiable request must fail in both.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type Closure,
  PackagesIndex,
  PackageUniverse,
  parsePackages,
  resolveClosure,
} from '../../src/build/debian/index.ts';
import { isSgciError } from '../../src/core/index.ts';
import { AptSandbox } from '../helpers/debian-repo.ts';
import { aptLists, hostPackagesIndices, readAptIndex } from '../helpers/host-debian.ts';

const closureNames = (closure: Closure) => closure.packages.map((p) => `${p.name} ${p.version}`).sort();

const indices = hostPackagesIndices();
const noIndex =
  indices.length > 0 ? false : `no Debian Packages index in ${aptLists} (scripts/setup.sh runs apt-get update)`;

describe('the resolver on the host Debian Packages index, against apt', { skip: noIndex }, () => {
  test('the closures of real package sets over its suites are the ones apt installs', async () => {
    const texts: string[] = [];
    const listings: PackagesIndex[] = [];
    let scanMs = 0;
    for (const [i, index] of indices.entries()) {
      const text = await readAptIndex(index);
      texts.push(text);
      const started = performance.now();
      listings.push(
        new PackagesIndex(Buffer.from(text), { url: 'file:/host', suite: `suite${i}`, component: 'main' }, index),
      );
      if (i === 0) scanMs = performance.now() - started;
    }
    // the index read by name lists what the whole parse does, name by name
    const whole = parsePackages(texts[0] ?? '', { url: 'file:/host', suite: 'suite0', component: 'main' }, 'whole');
    const first = listings[0];
    assert.ok(first);
    assert.deepEqual(
      whole.map((p) => `${p.name} ${p.version} ${p.architecture}`),
      first.all().map((p) => `${p.name} ${p.version} ${p.architecture}`),
    );
    for (const p of whole.filter((_, i) => i % 97 === 0)) {
      assert.deepEqual(
        first.listed(p.name),
        whole.filter((q) => q.name === p.name),
        p.name,
      );
    }
    const universe = new PackageUniverse(listings, 'amd64');
    const sets = [
      ['base-files', 'netbase', 'tzdata', 'media-types', 'ca-certificates'],
      ['libc6', 'libssl3', 'libgcc-s1', 'libstdc++6'],
      ['python3'],
      ['curl', 'openssh-server'],
      ['mutt'],
      ['postgresql'],
      ['apache2', 'libapache2-mod-php'],
      ['default-jre-headless'],
    ];
    const times: string[] = [];
    await using apt = await AptSandbox.create(texts, 'amd64');
    for (const set of sets) {
      const started = performance.now();
      const closure = resolveClosure(universe, { packages: set });
      times.push(
        `${set.join('+')}: ${closure.packages.length} packages in ${(performance.now() - started).toFixed(1)} ms`,
      );
      const outcome = await apt.simulate(set);
      assert.ok('installed' in outcome, `apt refused ${set.join(' ')}: ${'error' in outcome ? outcome.error : ''}`);
      assert.deepEqual(closureNames(closure), outcome.installed, set.join(' '));
    }
    console.log(
      `${indices.join(', ')}: the first, ${((texts[0]?.length ?? 0) / 1e6).toFixed(1)} MB, scanned in ` +
        `${scanMs.toFixed(0)} ms; ${whole.length} stanzas in it; ` +
        times.join('; '),
    );
  });
});

/** A generated package: real control fields, names from a small pool so relations meet. */
interface GeneratedPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly multiArch: string;
  readonly preDepends: string;
  readonly depends: string;
  readonly provides: string;
  readonly priority: string;
}

const realNames = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
const virtualNames = ['v0', 'v1', 'v2'];
const versions = ['1.0', '1.0-1', '2.0', '2:0.5', '1.0~rc1'];

const relation = fc
  .record({
    name: fc.constantFrom(...realNames, ...virtualNames),
    any: fc.oneof({ arbitrary: fc.constant(''), weight: 8 }, { arbitrary: fc.constant(':any'), weight: 1 }),
    version: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 3 },
      { arbitrary: fc.tuple(fc.constantFrom('<<', '<=', '=', '>=', '>>'), fc.constantFrom(...versions)), weight: 1 },
    ),
  })
  .map(({ name, any, version }) => `${name}${any}${version ? ` (${version[0]} ${version[1]})` : ''}`);
const group = fc.array(relation, { minLength: 1, maxLength: 3 }).map((alts) => alts.join(' | '));
const field = (max: number) => fc.array(group, { maxLength: max }).map((groups) => groups.join(', '));
const provides = fc
  .uniqueArray(fc.constantFrom(...virtualNames), { maxLength: 2 })
  .chain((names) =>
    fc.tuple(...names.map((n) => fc.option(fc.constantFrom(...versions)).map((v) => (v ? `${n} (= ${v})` : n)))),
  )
  .map((items) => items.join(', '));

const generatedPackage = (name: string) =>
  fc.record({
    name: fc.constant(name),
    version: fc.constantFrom(...versions),
    architecture: fc.constantFrom('amd64', 'all'),
    multiArch: fc.constantFrom('no', 'same', 'foreign', 'allowed'),
    preDepends: fc.oneof({ arbitrary: fc.constant(''), weight: 3 }, { arbitrary: field(1), weight: 1 }),
    depends: field(2),
    provides,
    priority: fc.constantFrom('', 'required', 'important', 'standard', 'optional', 'extra'),
  });

const universe = fc
  .tuple(
    ...realNames.map((n) =>
      fc.uniqueArray(generatedPackage(n), { minLength: 1, maxLength: 2, selector: (p) => p.version }),
    ),
  )
  .map((lists) => lists.flat());

function packagesText(packages: readonly GeneratedPackage[]): string {
  return packages
    .map((p, i) =>
      [
        `Package: ${p.name}`,
        `Version: ${p.version}`,
        `Architecture: ${p.architecture}`,
        ...(p.multiArch === 'no' ? [] : [`Multi-Arch: ${p.multiArch}`]),
        ...(p.preDepends ? [`Pre-Depends: ${p.preDepends}`] : []),
        ...(p.depends ? [`Depends: ${p.depends}`] : []),
        ...(p.provides ? [`Provides: ${p.provides}`] : []),
        ...(p.priority ? [`Priority: ${p.priority}`] : []),
        `Filename: pool/${p.name}_${i}.deb`,
        'Size: 1',
        `SHA256: ${'0'.repeat(64)}`,
        `Description: generated`,
        '',
      ].join('\n'),
    )
    .join('\n');
}

function providerTie(universe: PackageUniverse, name: string): boolean {
  const priorities = universe.providers(name).map((p) => p.package.priority ?? '');
  return new Set(priorities).size !== priorities.length;
}

describe('the resolver on generated universes, against apt', () => {
  test('every closure is the set apt installs, every refusal a refusal', async () => {
    let compared = 0;
    let refused = 0;
    let unordered = 0;
    await fc.assert(
      fc.asyncProperty(
        universe,
        fc.uniqueArray(fc.constantFrom(...realNames), { minLength: 1, maxLength: 2 }),
        async (packages, requested) => {
          const text = packagesText(packages);
          const index = new PackagesIndex(
            Buffer.from(text),
            { url: 'file:/gen', suite: 'gen', component: 'main' },
            'gen',
          );
          const candidates = new PackageUniverse([index], 'amd64');
          // apt breaks a tie between providers of equal Priority by its internal package ID, sgci by name
          fc.pre(virtualNames.every((v) => !providerTie(candidates, v)));
          let ours: string[] | string;
          try {
            ours = closureNames(resolveClosure(candidates, { packages: requested }));
          } catch (error) {
            if (!isSgciError(error)) throw error;
            ours = error.message;
          }
          await using apt = await AptSandbox.create(text, 'amd64');
          const outcome = await apt.simulate(requested);
          compared++;
          if ('unordered' in outcome) {
            unordered++;
            const names = typeof ours === 'string' ? ours : ours.map((line) => line.split(' ')[0]);
            assert.deepEqual(names, outcome.unordered, `requested ${requested.join(' ')} from\n${text}`);
          } else if ('error' in outcome) {
            refused++;
            assert.equal(typeof ours, 'string', `apt refused, sgci resolved ${String(ours)}\n${outcome.error}`);
          } else {
            assert.deepEqual(ours, outcome.installed, `requested ${requested.join(' ')} from\n${text}`);
          }
        },
      ),
      { numRuns: 60, seed: 777 },
    );
    console.log(
      `${compared} generated universes compared with apt: ${refused} refused by both, ` +
        `${unordered} with a Pre-Depends cycle apt cannot order (names compared)`,
    );
  });
});
