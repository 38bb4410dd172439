/**
 * The candidates of one architecture over all sources and suites: one version per name (the highest by dpkg
 * order, apt's candidate with equal pins), who provides each virtual name, and which candidates satisfy a
 * relation, in apt's order of preference.
 */
import { compareDpkgVersions } from '../../version/index.ts';
import type { BinaryPackage } from './packages.ts';
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
  readonly #candidates = new Map<string, BinaryPackage>();
  readonly #providers = new Map<string, Provider[]>();
  readonly #packages: readonly BinaryPackage[];

  constructor(packages: readonly BinaryPackage[], architecture: string) {
    this.architecture = architecture;
    this.#packages = packages;
    for (const p of packages) {
      if (p.architecture !== architecture && p.architecture !== 'all') continue;
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

  /** Every version of `name` the sources list for this architecture (for error messages: a scan of all). */
  versions(name: string): readonly string[] {
    return this.#packages
      .filter((p) => p.name === name && (p.architecture === this.architecture || p.architecture === 'all'))
      .map((p) => p.version);
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
