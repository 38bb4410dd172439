/**
 * The closure of the requested packages over Pre-Depends and Depends (never Recommends or Suggests), as
 * `apt-get install --no-install-recommends` on an empty system would choose it:
 *
 * - each name has one candidate, the highest version by dpkg order over all sources and suites (apt's
 *   candidate with equal pins); a relation the candidate does not satisfy is not met by an older version;
 * - an or-group already satisfied by a chosen package adds nothing; else its first satisfiable alternative
 *   is taken, a real package before the packages that provide the name, versioned Provides only for
 *   versioned relations;
 * - one architecture plus `all`: an unqualified relation accepts either, `:any` only `Multi-Arch: allowed`,
 *   an architecture qualifier only that architecture (`all` counts as the native one), as dpkg decides it;
 * - an excluded name cuts the closure: a relation it would satisfy counts as met, and the cut is reported.
 *
 * Packages are visited breadth-first in request order and field order, so the result is deterministic.
 */
import { SgciError } from '../../core/index.ts';
import { compareDpkgVersions } from '../../version/index.ts';
import type { BinaryPackage } from './packages.ts';
import {
  type Alternatives,
  formatAlternatives,
  parseRelation,
  parseRelations,
  type Relation,
  versionSatisfies,
} from './relations.ts';

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

interface Provider {
  readonly package: BinaryPackage;
  /** The version the provider gives the name (`Provides: name (= v)`), if any. */
  readonly version: string | undefined;
}

const priorityRank: Readonly<Record<string, number>> = {
  required: 0,
  important: 1,
  standard: 2,
  optional: 3,
  extra: 4,
};

/** The candidates of one architecture: one version per name, and who provides each virtual name. */
export class PackageUniverse {
  readonly architecture: string;
  readonly #candidates = new Map<string, BinaryPackage>();
  readonly #providers = new Map<string, Provider[]>();
  readonly #versions = new Map<string, string[]>();

  constructor(packages: Iterable<BinaryPackage>, architecture: string) {
    this.architecture = architecture;
    for (const p of packages) {
      if (p.architecture !== architecture && p.architecture !== 'all') continue;
      const seen = this.#versions.get(p.name);
      if (seen) seen.push(p.version);
      else this.#versions.set(p.name, [p.version]);
      const current = this.#candidates.get(p.name);
      if (!current || compareDpkgVersions(p.version, current.version) > 0) this.#candidates.set(p.name, p);
    }
    for (const p of this.#candidates.values()) {
      for (const [provided] of parseRelations(p.provides, `${p.name} Provides`)) {
        if (!provided) continue;
        const list = this.#providers.get(provided.name) ?? [];
        list.push({ package: p, version: provided.operator === '=' ? provided.version : undefined });
        this.#providers.set(provided.name, list);
      }
    }
  }

  candidate(name: string): BinaryPackage | undefined {
    return this.#candidates.get(name);
  }

  /** Every version of `name` the sources list for this architecture (for error messages). */
  versions(name: string): readonly string[] {
    return this.#versions.get(name) ?? [];
  }

  providers(name: string): readonly Provider[] {
    return this.#providers.get(name) ?? [];
  }

  get size(): number {
    return this.#candidates.size;
  }

  /** dpkg's deparchsatisfied for one architecture plus `all`. */
  archSatisfies(p: BinaryPackage, relation: Relation): boolean {
    if (relation.arch === undefined || relation.arch === 'native') return true;
    if (relation.arch === 'any') return p.multiArch === 'allowed';
    return relation.arch === this.architecture;
  }

  /** The candidates that satisfy `relation`: the real package first, then providers (apt's order of preference). */
  satisfiers(relation: Relation): BinaryPackage[] {
    const out: BinaryPackage[] = [];
    const real = this.#candidates.get(relation.name);
    if (
      real &&
      this.archSatisfies(real, relation) &&
      (!relation.operator || versionSatisfies(real.version, relation.operator, relation.version ?? ''))
    ) {
      out.push(real);
    }
    const providers = this.providers(relation.name)
      .filter(
        ({ package: p, version }) =>
          this.archSatisfies(p, relation) &&
          (!relation.operator ||
            (version !== undefined && versionSatisfies(version, relation.operator, relation.version ?? ''))),
      )
      .map(({ package: p }) => p)
      .sort(compareProviders);
    for (const p of providers) if (p !== real) out.push(p);
    return out;
  }
}

/** Among several providers: essential first, then by Priority, then by name (deterministic; apt ranks alike). */
function compareProviders(a: BinaryPackage, b: BinaryPackage): number {
  if (a.essential !== b.essential) return a.essential ? -1 : 1;
  const pa = priorityRank[a.priority ?? ''] ?? 5;
  const pb = priorityRank[b.priority ?? ''] ?? 5;
  if (pa !== pb) return pa - pb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export interface ClosureRequest {
  /** Relations as in a Depends field: `libc6`, `tzdata (>= 2024a)`. */
  readonly packages: readonly string[];
  readonly excludes?: readonly string[];
}

interface Unmet {
  readonly from: string;
  readonly field: DependencyField;
  readonly relation: string;
  readonly reason: string;
}

export function resolveClosure(universe: PackageUniverse, request: ClosureRequest): Closure {
  const excludes = new Set(request.excludes ?? []);
  const cuts = new Map<string, Cut[]>([...excludes].sort().map((name) => [name, []]));
  const chosen = new Map<string, ClosurePackage>();
  const queue: ClosurePackage[] = [];
  const choose = (p: BinaryPackage, why: Why) => {
    const entry: ClosurePackage = { ...p, why };
    chosen.set(p.name, entry);
    queue.push(entry);
  };

  for (const text of request.packages) {
    const relation = parseRelation(text, 'packages');
    if (excludes.has(relation.name)) {
      throw new SgciError('USAGE', text, 'is both requested and excluded');
    }
    const target = requestedPackage(universe, relation, text);
    if (!chosen.has(target.name)) choose(target, { kind: 'requested', relation: text });
  }

  const unmet: Unmet[] = [];
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i] as ClosurePackage;
    const groups: [DependencyField, Alternatives[]][] = [
      ['Pre-Depends', parseRelations(p.preDepends, `${p.name} Pre-Depends`)],
      ['Depends', parseRelations(p.depends, `${p.name} Depends`)],
    ];
    for (const [field, items] of groups) {
      for (const group of items) {
        const relation = formatAlternatives(group);
        if (group.some((r) => universe.satisfiers(r).some((s) => chosen.has(s.name)))) continue;
        const pick = pickAlternative(universe, group, excludes);
        if (pick.kind === 'cut') cuts.get(pick.name)?.push({ from: p.name, field, relation });
        else if (pick.kind === 'package') choose(pick.package, { kind: 'dependency', parent: p.name, field, relation });
        else unmet.push({ from: p.name, field, relation, reason: pick.reason });
      }
    }
  }
  if (unmet.length > 0) {
    const lines = unmet.map((u) => `${chainOf(chosen, u.from).join(' → ')} → ${u.relation} (${u.field}): ${u.reason}`);
    throw new SgciError('DEPENDENCY_UNMET', lines[0]?.split(' → ')[0] ?? '', `unmet dependencies: ${lines.join('; ')}`);
  }
  return {
    architecture: universe.architecture,
    packages: [...chosen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    excluded: [...cuts].map(([name, list]) => ({ name, cuts: list })),
  };
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

type Pick =
  | { readonly kind: 'package'; readonly package: BinaryPackage }
  | { readonly kind: 'cut'; readonly name: string }
  | { readonly kind: 'unmet'; readonly reason: string };

function pickAlternative(universe: PackageUniverse, group: Alternatives, excludes: ReadonlySet<string>): Pick {
  for (const relation of group) {
    if (excludes.has(relation.name)) return { kind: 'cut', name: relation.name };
    const first = universe.satisfiers(relation)[0];
    if (!first) continue;
    if (excludes.has(first.name)) return { kind: 'cut', name: first.name };
    return { kind: 'package', package: first };
  }
  return { kind: 'unmet', reason: group.map((r) => whyUnsatisfiable(universe, r)).join(', ') };
}

function whyUnsatisfiable(universe: PackageUniverse, relation: Relation): string {
  const versions = universe.versions(relation.name);
  const candidate = universe.candidate(relation.name);
  if (!candidate) {
    return universe.providers(relation.name).length > 0
      ? `no provider of ${relation.name} satisfies it`
      : `no package ${relation.name} for ${universe.architecture}`;
  }
  if (!universe.archSatisfies(candidate, relation)) {
    return `${relation.name} is Multi-Arch: ${candidate.multiArch}, which ${relation.name}:${relation.arch} does not accept`;
  }
  return `the candidate ${relation.name} ${candidate.version} (of ${versions.join(', ')}) does not satisfy it`;
}

/** The packages from a requested one down to `name`, by each package's first reason. */
function chainOf(chosen: ReadonlyMap<string, ClosurePackage>, name: string): string[] {
  const chain: string[] = [];
  let current = chosen.get(name);
  while (current && chain.length <= chosen.size) {
    chain.unshift(current.name);
    current = current.why.kind === 'dependency' ? chosen.get(current.why.parent) : undefined;
  }
  return chain;
}
