import type { Package } from '../../catalog/index.ts';
import type { Sbom } from '../../sbom/index.ts';

const cache = new WeakMap<Sbom, Map<string, Package>>();

/** path -> owning package; built once per SBOM (several checks ask). */
export function ownerIndex(sbom: Sbom | undefined): ReadonlyMap<string, Package> {
  if (!sbom) return new Map();
  const cached = cache.get(sbom);
  if (cached) return cached;
  const index = new Map<string, Package>();
  cache.set(sbom, index);
  for (const pkg of sbom.packages) {
    const files = 'files' in pkg.metadata ? (pkg.metadata.files ?? []) : [];
    for (const file of files) {
      const path = file.path.startsWith('/') ? file.path : `/${file.path}`;
      if (!index.has(path)) index.set(path, pkg);
    }
  }
  return index;
}

/** The owner of a path, also under its merged-/usr twin (/bin/sh is /usr/bin/sh in Debian 12). */
export function ownerOf(index: ReadonlyMap<string, Package>, path: string): Package | undefined {
  const direct = index.get(path);
  if (direct) return direct;
  for (const top of ['/bin/', '/sbin/', '/lib/', '/lib64/']) {
    if (path.startsWith(top)) return index.get(`/usr${path}`);
    if (path.startsWith(`/usr${top}`)) return index.get(path.slice(4));
  }
  return undefined;
}

/** `package bash 5.2 (pkg:deb/…)` or why there is none, for evidence messages in either language. */
export function ownerNote(
  index: ReadonlyMap<string, Package>,
  path: string,
  sbomPresent: boolean,
  lang: 'en' | 'de' = 'en',
): string {
  const owner = ownerOf(index, path);
  if (owner) return `${lang === 'de' ? 'Paket' : 'package'} ${owner.name} ${owner.version} (${owner.purl})`;
  if (lang === 'de')
    return sbomPresent ? 'keinem katalogisierten Paket zugeordnet' : 'Eigentümer unbekannt: keine SBOM';
  return sbomPresent ? 'owned by no catalogued package' : 'owner unknown: no SBOM';
}
