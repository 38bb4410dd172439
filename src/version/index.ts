/**
 * Version orderings per ecosystem, chosen by OSV ecosystem name (`Debian:12` → dpkg).
 */
import { apkScheme } from './apk.ts';
import { composerScheme } from './composer.ts';
import { dpkgScheme } from './dpkg.ts';
import { gemScheme } from './gem.ts';
import { mavenScheme } from './maven.ts';
import { nugetScheme } from './nuget.ts';
import { pep440Scheme } from './pep440.ts';
import { rpmScheme } from './rpm.ts';
import type { VersionScheme } from './scheme.ts';
import { goScheme, semverScheme } from './semver.ts';

export { compareDpkgVersions, type DpkgVersion, parseDpkgVersion } from './dpkg.ts';
export { compareGemVersions } from './gem.ts';
export { compareNugetVersions } from './nuget.ts';
export { parseEvr, rpmvercmp } from './rpm.ts';
export type { VersionScheme } from './scheme.ts';
export {
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
};

/** OSV ecosystem (the part before `:`) → ordering. Ecosystems not listed here are reported, not guessed. */
const byEcosystem: Readonly<Record<string, VersionScheme>> = {
  Debian: dpkgScheme,
  Ubuntu: dpkgScheme,
  Alpine: apkScheme,
  Wolfi: apkScheme,
  Chainguard: apkScheme,
  'Red Hat': rpmScheme,
  'Rocky Linux': rpmScheme,
  AlmaLinux: rpmScheme,
  SUSE: rpmScheme,
  openSUSE: rpmScheme,
  Mageia: rpmScheme,
  openEuler: rpmScheme,
  'Photon OS': rpmScheme,
  'CBL-Mariner': rpmScheme,
  'Azure Linux': rpmScheme,
  npm: semverScheme,
  'crates.io': semverScheme,
  Go: goScheme,
  PyPI: pep440Scheme,
  Maven: mavenScheme,
  NuGet: nugetScheme,
  RubyGems: gemScheme,
  Packagist: composerScheme,
};

export function schemeForEcosystem(ecosystem: string): VersionScheme | undefined {
  const colon = ecosystem.indexOf(':');
  return byEcosystem[colon >= 0 ? ecosystem.slice(0, colon) : ecosystem];
}
