/**
 * The candidates of one architecture over all sources and suites: one version per name (the highest by dpkg
 * order, apt's candidate with equal pins), who provides each virtual name, and which candidates satisfy a
 * relation, in apt's order of preference.
 */
import { compareDpkgVersions } from '../../version/index.ts';
import type { BinaryPackage } from './packages.ts';
import type { PackageListing } from './packages-index.ts';
import { parseRelations, type Relation, versionSatisfies } from './relations.ts';

interface Provider {
  readonly package: BinaryPackage;
  /** The version the provider gives the name (`Provides: name (= v)`), if any. */
  readonly version: string | undefined;
}

/** apt's numbers for Priority; a package without one has 0 in apt's cache, which sorts before required. */
const priorityRank: Readonly<Record<string, number>> = {
  required: 1,
  important: 2,
  standard: 3,
  optional: 4,
  extra: 5,
};

/** The candidates of one architecture: one version per name, and who provides each virtual name. */
export class PackageUniverse {
  readonly architecture: string;
  readonly #listings: readonly PackageListing[];
  /** Decided when first asked: a closure reads a few hundred of a suite's names. */
  readonly #candidates = new Map<string, BinaryPackage | undefined>();
  readonly #providers = new Map<string, readonly Provider[]>();

  constructor(listings: readonly PackageListing[], architecture: string) {
    this.architecture = architecture;
    this.#listings = listings;
  }

  candidate(name: string): BinaryPackage | undefined {
    if (this.#candidates.has(name)) return this.#candidates.get(name);
    let best: BinaryPackage | undefined;
    for (const p of this.#listed(name)) if (!best || compareDpkgVersions(p.version, best.version) > 0) best = p;
    this.#candidates.set(name, best);
    return best;
  }

  /** Every version of `name` the sources list for this architecture (for error messages). */
  versions(name: string): readonly string[] {
    return this.#listed(name).map((p) => p.version);
  }

  /** The candidates whose Provides name `name`, with the version each gives it. */
  providers(name: string): readonly Provider[] {
    let out = this.#providers.get(name);
    if (out === undefined) {
      const list: Provider[] = [];
      for (const providing of new Set(this.#listings.flatMap((l) => l.providing(name)))) {
        const p = this.candidate(providing);
        if (!p) continue;
        for (const [provided] of parseRelations(p.provides, `${providing} Provides`)) {
          if (provided?.name === name) {
            list.push({ package: p, version: provided.operator === '=' ? provided.version : undefined });
          }
        }
      }
      out = list;
      this.#providers.set(name, out);
    }
    return out;
  }

  /** The stanzas of `name` for this architecture or `all`, in the order of the sources. */
  #listed(name: string): BinaryPackage[] {
    return this.#listings.flatMap((l) =>
      l.listed(name).filter((p) => p.architecture === this.architecture || p.architecture === 'all'),
    );
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
    const real = this.candidate(relation.name);
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

/**
 * Among the packages that satisfy one alternative, apt's CompareProviders for a system with nothing installed:
 * the real package first (done by `satisfiers`), then essential ones, then by Priority (a missing Priority
 * counts as 0, before required, as in apt's cache); apt's last resort, its internal package ID, is replaced
 * by the name.
 */
function compareProviders(a: BinaryPackage, b: BinaryPackage): number {
  if (a.essential !== b.essential) return a.essential ? -1 : 1;
  const pa = a.priority === undefined ? 0 : (priorityRank[a.priority] ?? 0);
  const pb = b.priority === undefined ? 0 : (priorityRank[b.priority] ?? 0);
  if (pa !== pb) return pa - pb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Why no candidate satisfies `relation`, for an error message. */
export function whyUnsatisfiable(universe: PackageUniverse, relation: Relation): string {
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
