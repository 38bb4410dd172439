import type { Package, Sbom } from '../../catalog/index.ts';
import { SgciError } from '../../core/index.ts';

/** One way the build's SBOM and the scan of the built image differ about one package. */
export interface SbomDisagreement {
  /** `name:arch`. */
  readonly package: string;
  readonly field: 'presence' | 'version' | 'purl' | 'licenses';
  readonly declared: string;
  readonly scanned: string;
}

function keyOf(pkg: Package): string {
  const arch = 'architecture' in pkg.metadata ? pkg.metadata.architecture : undefined;
  return arch ? `${pkg.name}:${arch}` : pkg.name;
}

function debianPackages(sbom: Sbom): Map<string, Package> {
  const out = new Map<string, Package>();
  for (const pkg of sbom.packages) if (pkg.ecosystem === 'deb') out.set(keyOf(pkg), pkg);
  return out;
}

/**
 * Where the SBOM of the resolution and the scan of the image disagree, package by package: present in one only,
 * or a different version, purl or licence set. Only Debian packages are compared: they are what the build
 * declares; what a scan finds inside them (a Python runtime's own packages) is the scan's to add.
 */
export function compareSboms(declared: Sbom, scanned: Sbom): SbomDisagreement[] {
  const ours = debianPackages(declared);
  const theirs = debianPackages(scanned);
  const out: SbomDisagreement[] = [];
  const names = [...new Set([...ours.keys(), ...theirs.keys()])].sort();
  for (const name of names) {
    const a = ours.get(name);
    const b = theirs.get(name);
    if (!a || !b) {
      out.push({
        package: name,
        field: 'presence',
        declared: a ? 'resolved' : 'absent',
        scanned: b ? 'found' : 'absent',
      });
      continue;
    }
    const fields: [SbomDisagreement['field'], string, string][] = [
      ['version', a.version, b.version],
      ['purl', a.purl, b.purl],
      ['licenses', a.licenses.join(', '), b.licenses.join(', ')],
    ];
    for (const [field, x, y] of fields) if (x !== y) out.push({ package: name, field, declared: x, scanned: y });
  }
  return out;
}

/** Fails the build naming every package where its SBOM and the scan of the built image disagree. */
export function assertSbomsAgree(declared: Sbom, scanned: Sbom): void {
  const disagreements = compareSboms(declared, scanned);
  if (disagreements.length === 0) return;
  const lines = disagreements.map((d) => `${d.package} ${d.field}: build ${d.declared}, scan ${d.scanned}`);
  throw new SgciError(
    'BUILD_REFUSED',
    `${declared.subject.name} ${declared.subject.platform ?? ''}`.trim(),
    `the build's SBOM and the scan of the built image disagree: ${lines.join('; ')}`,
  );
}
