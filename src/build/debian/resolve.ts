/**
 * The closure of the requested packages over Pre-Depends and Depends (never Recommends or Suggests), as
 * `apt-get install --no-install-recommends` on an empty system would choose it:
 *
 * - each name has one candidate, the highest version by dpkg order over all sources and suites (apt's
 *   candidate with equal pins); a relation the candidate does not satisfy is not met by an older version;
 * - an or-group already satisfied by a chosen package adds nothing; else the first solution whose own
 *   dependencies can be met is taken, alternatives in order, for each the real package before the packages
 *   that provide the name (versioned Provides only for versioned relations);
 * - one architecture plus `all`: an unqualified relation accepts either, `:any` only `Multi-Arch: allowed`,
 *   an architecture qualifier only that architecture (`all` counts as the native one), as dpkg decides it;
 * - an excluded name cuts the closure: a relation it would satisfy counts as met, and the cut is reported.
 *
 * Packages are visited depth-first in request order and field order, as apt's MarkInstall visits them, so
 * the result is deterministic and, on the cases the tests compare, apt's.
 */
import { SgciError } from '../../core/index.ts';
import type { BinaryPackage } from './packages.ts';
import { type Alternatives, formatAlternatives, parseRelation, parseRelations, type Relation } from './relations.ts';
import { type PackageUniverse, whyUnsatisfiable } from './universe.ts';

export type DependencyField = 'Pre-Depends' | 'Depends';

/** Why a package is in the closure: asked for, or the first relation of an earlier package that pulled it. */
export type Why =
  | { readonly kind: 'requested'; readonly relation: string }
  | {
      readonly kind: 'dependency';
      readonly parent: string;
      readonly field: DependencyField;
      readonly relation: string;
    };

export interface ClosurePackage extends BinaryPackage {
  readonly why: Why;
}

/** A relation that an exclude cut: `from`'s `field` item `relation` counted as met without a package. */
export interface Cut {
  readonly from: string;
  readonly field: DependencyField;
  readonly relation: string;
}

export interface ExcludedPackage {
  readonly name: string;
  /** Empty when the exclude cut nothing (it may be stale). */
  readonly cuts: readonly Cut[];
}

export interface Closure {
  readonly architecture: string;
  /** Sorted by name. */
  readonly packages: readonly ClosurePackage[];
  readonly excluded: readonly ExcludedPackage[];
}

export interface ClosureRequest {
  /** Relations as in a Depends field: `libc6`, `tzdata (>= 2024a)`. */
  readonly packages: readonly string[];
  readonly excludes?: readonly string[];
}

interface Marked {
  readonly package: ClosurePackage;
  readonly cuts: [string, Cut][];
}

/** Why a package cannot be installed: one line per failed chain, `a → b → c (>= 2) (Depends): reason`. */
type Failure = string[];

/**
 * apt's MarkInstall for a system with nothing installed, depth-first: a package is marked, then each of its
 * Pre-Depends and Depends not yet satisfied by a marked package is satisfied by the first solution whose own
 * installation succeeds. A package whose dependencies fail is unmarked and never tried again (apt discards
 * its candidate); what it had pulled in stays, as in apt. Before marking, a one-level look-ahead refuses a
 * package with a dependency no candidate can satisfy (apt's IsInstallOkDependenciesSatisfiableByCandidates).
 */
class Marker {
  readonly marked = new Map<string, Marked>();
  readonly #universe: PackageUniverse;
  readonly #excludes: ReadonlySet<string>;
  readonly #discarded = new Map<string, Failure>();

  constructor(universe: PackageUniverse, excludes: ReadonlySet<string>) {
    this.#universe = universe;
    this.#excludes = excludes;
  }

  /**
   * Marks the requested packages, all before any dependency is looked at (as apt-get install marks its
   * arguments first), then installs each one's dependencies; its failures are the request's, in full.
   */
  request(requested: readonly { readonly package: BinaryPackage; readonly relation: string }[]): Failure {
    const entries = requested.map(({ package: p, relation }) => this.#mark(p, { kind: 'requested', relation }));
    const failures: string[] = [];
    for (const entry of entries) {
      for (const line of this.#installDependencies(entry, [], true)) failures.push(line);
    }
    return failures;
  }

  #mark(p: BinaryPackage, why: Why): Marked {
    const existing = this.marked.get(p.name);
    if (existing) return existing;
    const entry: Marked = { package: { ...p, why }, cuts: [] };
    this.marked.set(p.name, entry);
    return entry;
  }

  #install(p: BinaryPackage, why: Why, path: readonly string[]): Failure {
    const discarded = this.#discarded.get(p.name);
    if (discarded) return discarded;
    if (this.marked.has(p.name)) return [];
    const impossible = dependencyGroups(p).find(([, group]) => !this.#satisfiable(group));
    if (impossible) {
      const failure = [this.#unmet([...path, p.name], impossible[0], impossible[1])];
      this.#discarded.set(p.name, failure);
      return failure;
    }
    const failures = this.#installDependencies(this.#mark(p, why), path, false);
    if (failures.length > 0) {
      this.marked.delete(p.name);
      this.#discarded.set(p.name, failures);
    }
    return failures;
  }

  /** Each group not yet satisfied by a marked package, in field order; a dependency stops at its first failure. */
  #installDependencies(entry: Marked, path: readonly string[], fromUser: boolean): Failure {
    const p = entry.package;
    const chain = [...path, p.name];
    const pending = dependencyGroups(p).filter(([, group]) => !this.#satisfiedByMarked(group));
    const failures: string[] = [];
    for (const [field, group] of pending) {
      if (this.#satisfiedByMarked(group)) continue;
      const relation = formatAlternatives(group);
      const outcome = this.#satisfy(group, { kind: 'dependency', parent: p.name, field, relation }, chain);
      if (outcome.kind === 'cut') entry.cuts.push([outcome.name, { from: p.name, field, relation }]);
      if (outcome.kind !== 'failed') continue;
      for (const line of outcome.failure.length > 0 ? outcome.failure : [this.#unmet(chain, field, group)]) {
        failures.push(line);
      }
      if (!fromUser) break;
    }
    return failures;
  }

  /** The alternatives in order, each one's solutions in apt's order; an excluded name cuts the group. */
  #satisfy(
    group: Alternatives,
    why: Why & { kind: 'dependency' },
    chain: readonly string[],
  ): { kind: 'installed' } | { kind: 'cut'; name: string } | { kind: 'failed'; failure: Failure } {
    const failure: string[] = [];
    for (const relation of group) {
      if (this.#excludes.has(relation.name)) return { kind: 'cut', name: relation.name };
      for (const solution of this.#universe.satisfiers(relation)) {
        if (this.#excludes.has(solution.name)) return { kind: 'cut', name: solution.name };
        const failed = this.#install(solution, why, chain);
        if (failed.length === 0) return { kind: 'installed' };
        for (const line of failed) if (!failure.includes(line)) failure.push(line);
      }
    }
    return { kind: 'failed', failure };
  }

  #satisfiedByMarked(group: Alternatives): boolean {
    return group.some((r) => this.#universe.satisfiers(r).some((s) => this.marked.has(s.name)));
  }

  /** Some alternative is marked, cut, or has a candidate not yet found uninstallable (apt's DepInstall | DepCVer). */
  #satisfiable(group: Alternatives): boolean {
    return group.some(
      (r) =>
        this.#excludes.has(r.name) ||
        this.#universe.satisfiers(r).some((s) => this.marked.has(s.name) || !this.#discarded.has(s.name)),
    );
  }

  #unmet(chain: readonly string[], field: DependencyField, group: Alternatives): string {
    const reasons = group.map((r) => whyUnsatisfiable(this.#universe, r)).join(', ');
    return `${chain.join(' → ')} → ${formatAlternatives(group)} (${field}): ${reasons}`;
  }
}

function dependencyGroups(p: BinaryPackage): [DependencyField, Alternatives][] {
  const out: [DependencyField, Alternatives][] = [];
  for (const group of parseRelations(p.preDepends, `${p.name} Pre-Depends`)) out.push(['Pre-Depends', group]);
  for (const group of parseRelations(p.depends, `${p.name} Depends`)) out.push(['Depends', group]);
  return out;
}

/** Most chains an unmet-dependency error lists. */
const maxReportedFailures = 8;

export function resolveClosure(universe: PackageUniverse, request: ClosureRequest): Closure {
  const excludes = new Set(request.excludes ?? []);
  const marker = new Marker(universe, excludes);
  const requested: { package: BinaryPackage; relation: string }[] = [];
  for (const text of request.packages) {
    const relation = parseRelation(text, 'packages');
    if (excludes.has(relation.name)) throw new SgciError('USAGE', text, 'is both requested and excluded');
    requested.push({ package: requestedPackage(universe, relation, text), relation: text });
  }
  const failures = marker.request(requested);
  if (failures.length > 0) {
    const shown = failures.slice(0, maxReportedFailures).join('; ');
    const more = failures.length > maxReportedFailures ? ` (and ${failures.length - maxReportedFailures} more)` : '';
    throw new SgciError('DEPENDENCY_UNMET', request.packages.join(' '), `unmet dependencies: ${shown}${more}`);
  }
  const kept = sweep(universe, marker.marked, requested);
  checkConflicts(universe, kept);
  const cuts = new Map<string, Cut[]>([...excludes].sort().map((name) => [name, []]));
  for (const { cuts: list } of kept) for (const [name, cut] of list) cuts.get(name)?.push(cut);
  return {
    architecture: universe.architecture,
    packages: kept.map((m) => m.package).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    excluded: [...cuts].map(([name, list]) => ({ name, cuts: list })),
  };
}

/**
 * What stays: the marked packages reachable from the requested ones over Pre-Depends and Depends (apt drops
 * the rest as garbage: what a dependency path pulled in before the path failed). Breadth-first, so each
 * package's reason is the shortest chain from a request.
 */
function sweep(
  universe: PackageUniverse,
  marked: ReadonlyMap<string, Marked>,
  requested: readonly { readonly package: BinaryPackage }[],
): Marked[] {
  const kept = new Map<string, Marked>();
  const queue: Marked[] = [];
  const keep = (entry: Marked, why?: Why) => {
    if (kept.has(entry.package.name)) return;
    const next = why ? { ...entry, package: { ...entry.package, why } } : entry;
    kept.set(entry.package.name, next);
    queue.push(next);
  };
  for (const { package: p } of requested) {
    const entry = marked.get(p.name);
    if (entry) keep(entry);
  }
  for (let i = 0; i < queue.length; i++) {
    const parent = (queue[i] as Marked).package;
    for (const [field, group] of dependencyGroups(parent)) {
      const relation = formatAlternatives(group);
      for (const r of group) {
        for (const s of universe.satisfiers(r)) {
          const entry = marked.get(s.name);
          if (entry) keep(entry, { kind: 'dependency', parent: parent.name, field, relation });
        }
      }
    }
  }
  return [...kept.values()];
}

/**
 * apt resolves around Conflicts and Breaks; sgci does not, so a closure in which one package excludes another
 * is refused, naming both, rather than built. A package never conflicts with itself (the `Provides: x,
 * Conflicts: x` pattern), and an architecture qualifier on a negative relation matches any architecture, as in
 * dpkg.
 */
function checkConflicts(universe: PackageUniverse, kept: readonly Marked[]): void {
  const names = new Set(kept.map((m) => m.package.name));
  const clashes: string[] = [];
  for (const { package: p } of kept) {
    for (const [field, value] of [
      ['Conflicts', p.conflicts],
      ['Breaks', p.breaks],
    ] as const) {
      for (const [relation] of parseRelations(value, `${p.name} ${field}`)) {
        if (!relation) continue;
        const { arch: _any, ...anyArch } = relation;
        for (const s of universe.satisfiers(anyArch)) {
          if (s.name !== p.name && names.has(s.name)) {
            clashes.push(
              `${p.name} ${field}: ${formatAlternatives([relation])}, but ${s.name} ${s.version} is in the closure`,
            );
          }
        }
      }
    }
  }
  if (clashes.length > 0) {
    throw new SgciError(
      'DEPENDENCY_UNMET',
      clashes[0]?.split(' ')[0] ?? '',
      `conflicting packages: ${clashes.join('; ')}`,
    );
  }
}

function requestedPackage(universe: PackageUniverse, relation: Relation, text: string): BinaryPackage {
  const satisfiers = universe.satisfiers(relation);
  const real = satisfiers[0];
  if (real && real.name === relation.name) return real;
  if (satisfiers.length === 1 && real) return real;
  if (satisfiers.length > 1) {
    const names = satisfiers.map((s) => s.name).join(', ');
    throw new SgciError('USAGE', text, `is a virtual package provided by ${names}: name one of them`);
  }
  throw new SgciError('DEPENDENCY_UNMET', text, `requested, but ${whyUnsatisfiable(universe, relation)}`);
}
