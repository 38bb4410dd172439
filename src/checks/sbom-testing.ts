/** SBOM builders for check tests. */
import type { Package } from '../catalog/index.ts';
import type { Sbom } from '../sbom/index.ts';

export function testPackage(name: string, version = '1.0', options: Partial<Package> = {}): Package {
  const ecosystem = options.ecosystem ?? 'deb';
  return {
    id: `${ecosystem}:${name}`,
    name,
    version,
    ecosystem,
    type: 'library',
    purl: ecosystem === 'deb' ? `pkg:deb/debian/${name}@${version}` : `pkg:${ecosystem}/${name}@${version}`,
    locations: [],
    licenses: [],
    foundBy: 'test',
    layer: 0,
    metadata: { kind: 'deb' },
    ...options,
  };
}

export function testSbom(packages: Package[], extra: Partial<Sbom> = {}): Sbom {
  return {
    subject: { name: 'test' },
    packages,
    relationships: [],
    unidentifiedExecutables: [],
    unknowns: [],
    tool: { name: 'sgci', version: '0' },
    ...extra,
  };
}
