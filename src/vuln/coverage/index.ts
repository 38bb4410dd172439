import type { Distro, Ecosystem, Package } from '../../catalog/index.ts';

/*
 * What the matcher searches: the one answer to "is this package covered by the advisory data", read by the matcher
 * when it builds its search keys and by SGCI-COMP-002 when it lists what is not covered. Light on purpose: the
 * checks load it at start-up, the matching machinery only when a scan matches.
 */

/** The OSV ecosystem of each catalogued language ecosystem the matcher searches. */
export const languageEcosystems: Partial<Record<Ecosystem, string>> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  cargo: 'crates.io',
  nuget: 'NuGet',
  composer: 'Packagist',
  gem: 'RubyGems',
};

/** The OSV ecosystems of a distro release (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04`), or [] when unknown. */
export function distroEcosystems(distro: Distro | undefined): string[] {
  if (!distro?.versionId) return [];
  const id = distro.id.toLowerCase();
  if (id === 'debian') return [`Debian:${distro.versionId.split('.')[0]}`];
  if (id === 'alpine') return [`Alpine:v${distro.versionId.split('.').slice(0, 2).join('.')}`];
  if (id === 'ubuntu') return [`Ubuntu:${distro.versionId}`, `Ubuntu:${distro.versionId}:LTS`];
  if (id === 'rocky') return [`Rocky Linux:${distro.versionId.split('.')[0]}`];
  if (id === 'almalinux') return [`AlmaLinux:${distro.versionId.split('.')[0]}`];
  if (id === 'wolfi') return ['Wolfi'];
  if (id === 'chainguard') return ['Chainguard'];
  return [];
}

/**
 * Whether the matcher searches the advisory data for this package at all: a language package of an OSV ecosystem,
 * or an OS package of a distro release OSV publishes. SGCI-COMP-002 reports the packages for which this is false,
 * so the check and the matcher cannot disagree about coverage.
 */
export function isMatchable(pkg: Package, distro: Distro | undefined): boolean {
  const kind = pkg.metadata.kind;
  if (kind === 'deb' || kind === 'apk' || kind === 'rpm') return distroEcosystems(distro).length > 0;
  return languageEcosystems[pkg.ecosystem] !== undefined;
}
