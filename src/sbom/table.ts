import type { Sbom } from '../catalog/index.ts';
import { renderTable } from '../core/index.ts';

/** A terminal table: one row per package, then the unidentified executables. */
export function encodeTable(sbom: Sbom): string {
  const header = ['NAME', 'VERSION', 'TYPE', 'LAYER', 'PATH'];
  const rows = sbom.packages.map((p) => [
    p.name,
    p.version,
    p.ecosystem,
    String(p.layer),
    p.locations.find((l) => l.evidence === 'primary')?.path ?? '',
  ]);
  for (const e of sbom.unidentifiedExecutables) {
    rows.push([e.path.slice(e.path.lastIndexOf('/') + 1), '', 'unidentified', String(e.layer), e.path]);
  }
  const distro = sbom.distro ? `${sbom.distro.prettyName ?? `${sbom.distro.id} ${sbom.distro.versionId ?? ''}`}\n` : '';
  return `${distro}${renderTable(header, rows)}`;
}
