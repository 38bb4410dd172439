import type { Package, Sbom } from '../catalog/index.ts';
import type { Finding, Severity, VulnReport } from '../vuln/index.ts';

/** Packages of two SBOMs compared by ecosystem and name: what came, what went, what changed version. */
export interface SbomDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Every version change, `from` → `to` (an upgrade as a rule; a downgrade is listed the same way). */
  readonly upgraded: readonly { readonly from: string; readonly to: string }[];
}

/** One vulnerability of one package, as the vulnerability diff lists it. */
export interface VulnChange {
  readonly id: string;
  readonly package: string;
  readonly severity: Severity;
  /** When a fix became available, from the advisory data (the time-to-patch clock's start). */
  readonly fixAvailableAt?: string;
  /** The versions that fix it: for Debian, looked up in the observed package index. */
  readonly fixedVersions?: readonly string[];
  /** The distro source package the finding was matched by (Debian's advisories name source packages). */
  readonly source?: string;
}

export interface VulnDiff {
  /** Active in the old digest, gone from the new one. */
  readonly fixed: readonly VulnChange[];
  /** Active in the new digest, absent from the old one. */
  readonly introduced: readonly VulnChange[];
}

/** Code-unit order, as every sgci output sorts. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function packageKey(pkg: Pick<Package, 'ecosystem' | 'name'>): string {
  return `${pkg.ecosystem}/${pkg.name}`;
}

/** Groups purls by package key; one key can hold several versions (two copies of a library). */
function byKey(sbom: Sbom): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const pkg of sbom.packages) {
    const key = packageKey(pkg);
    if (!out.has(key)) out.set(key, new Map());
    out.get(key)?.set(pkg.version, pkg.purl);
  }
  return out;
}

/** The package diff of two SBOMs, sorted, so the same pair always gives the same JSON. */
export function diffSboms(before: Sbom, after: Sbom): SbomDiff {
  const old = byKey(before);
  const now = byKey(after);
  const added: string[] = [];
  const removed: string[] = [];
  const upgraded: { from: string; to: string }[] = [];
  for (const [key, versions] of now) {
    const previous = old.get(key);
    if (!previous) for (const purl of versions.values()) added.push(purl);
    else {
      const gone = [...previous].filter(([version]) => !versions.has(version)).map(([, purl]) => purl);
      const came = [...versions].filter(([version]) => !previous.has(version)).map(([, purl]) => purl);
      // one version for another: an upgrade; uneven counts are whole packages coming or going
      while (gone.length > 0 && came.length > 0) upgraded.push({ from: gone.shift() ?? '', to: came.shift() ?? '' });
      for (const purl of gone) removed.push(purl);
      for (const purl of came) added.push(purl);
    }
  }
  for (const [key, versions] of old) if (!now.has(key)) for (const purl of versions.values()) removed.push(purl);
  return {
    added: added.sort(compareStrings),
    removed: removed.sort(compareStrings),
    upgraded: upgraded.sort((a, b) => compareStrings(a.from, b.from)),
  };
}

/** Active findings by vulnerability id and package (not version: an upgrade that keeps the hole keeps the finding). */
function activeFindings(report: VulnReport): Map<string, Finding> {
  const out = new Map<string, Finding>();
  for (const finding of report.matches) {
    if (finding.suppressed || finding.judgement !== 'open') continue;
    out.set(`${finding.vulnerability.id} ${finding.package.ecosystem}/${finding.package.name}`, finding);
  }
  return out;
}

function vulnChange(finding: Finding): VulnChange {
  return {
    id: finding.vulnerability.id,
    package: finding.package.purl,
    severity: finding.vulnerability.severity,
    ...(finding.fixAvailableAt ? { fixAvailableAt: finding.fixAvailableAt } : {}),
    ...(finding.fixedVersions.length > 0 ? { fixedVersions: [...finding.fixedVersions] } : {}),
    ...(finding.package.sourceName ? { source: finding.package.sourceName } : {}),
  };
}

/** Vulnerabilities fixed and introduced between two reports of the same advisory data. */
export function diffVulns(before: VulnReport, after: VulnReport): VulnDiff {
  const old = activeFindings(before);
  const now = activeFindings(after);
  const order = (a: VulnChange, b: VulnChange) => compareStrings(a.id, b.id) || compareStrings(a.package, b.package);
  return {
    fixed: [...old]
      .filter(([key]) => !now.has(key))
      .map(([, f]) => vulnChange(f))
      .sort(order),
    introduced: [...now]
      .filter(([key]) => !old.has(key))
      .map(([, f]) => vulnChange(f))
      .sort(order),
  };
}
