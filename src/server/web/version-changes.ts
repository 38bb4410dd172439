/**
 * What changed from one version of an image to another, computed from what the catalogue stored for each: the
 * packages of their SBOMs, the findings of their vulnerability reports and the results of their check reports.
 */
import type { ScanReport } from '../../report/index.ts';
import type { Sbom } from '../../sbom/index.ts';
import type { Finding, VulnReport } from '../../vuln/index.ts';

export interface VersionRecord {
  readonly sbom: Sbom;
  readonly vulns: VulnReport;
  readonly checks: ScanReport;
}

/** A package by ecosystem and name, with the versions each side holds (empty: not there). */
export interface PackageChange {
  readonly ecosystem: string;
  readonly name: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
}

export interface FindingChange {
  readonly from: Finding | undefined;
  readonly to: Finding | undefined;
}

export interface CheckChange {
  readonly id: string;
  readonly title: { readonly de: string; readonly en: string };
  readonly from: ScanReport['results'][number]['result'] | undefined;
  readonly to: ScanReport['results'][number]['result'] | undefined;
}

export interface VersionChanges {
  readonly packages: {
    readonly added: readonly PackageChange[];
    readonly removed: readonly PackageChange[];
    readonly changed: readonly PackageChange[];
  };
  readonly findings: {
    /** In the newer version only. */
    readonly added: readonly FindingChange[];
    /** In the older version only: fixed, or the package went. */
    readonly removed: readonly FindingChange[];
    /** In both, with another severity or VEX state. */
    readonly changed: readonly FindingChange[];
  };
  readonly checks: readonly CheckChange[];
}

function packagesOf(sbom: Sbom): Map<string, { ecosystem: string; name: string; versions: Set<string> }> {
  const out = new Map<string, { ecosystem: string; name: string; versions: Set<string> }>();
  for (const p of sbom.packages) {
    const key = `${p.ecosystem}\n${p.name}`;
    let entry = out.get(key);
    if (!entry) {
      entry = { ecosystem: p.ecosystem, name: p.name, versions: new Set() };
      out.set(key, entry);
    }
    entry.versions.add(p.version);
  }
  return out;
}

/** A finding is the same across versions when it names the same vulnerability in the same package (any version). */
function findingKey(f: Finding): string {
  return `${f.vulnerability.id}\n${f.package.ecosystem}\n${f.package.name}`;
}

function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function versionChanges(from: VersionRecord, to: VersionRecord): VersionChanges {
  const before = packagesOf(from.sbom);
  const after = packagesOf(to.sbom);
  const added: PackageChange[] = [];
  const removed: PackageChange[] = [];
  const changed: PackageChange[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort(compare)) {
    const b = before.get(key);
    const a = after.get(key);
    const change = {
      ecosystem: (a ?? b)?.ecosystem ?? '',
      name: (a ?? b)?.name ?? '',
      from: [...(b?.versions ?? [])].sort(compare),
      to: [...(a?.versions ?? [])].sort(compare),
    };
    if (!b) added.push(change);
    else if (!a) removed.push(change);
    else if (change.from.join('\n') !== change.to.join('\n')) changed.push(change);
  }
  const findingsBefore = byKey(from.vulns.matches, findingKey);
  const findingsAfter = byKey(to.vulns.matches, findingKey);
  const findings = { added: [] as FindingChange[], removed: [] as FindingChange[], changed: [] as FindingChange[] };
  for (const [key, f] of findingsAfter) {
    const old = findingsBefore.get(key);
    if (!old) findings.added.push({ from: undefined, to: f });
    else if (
      old.suppressed !== f.suppressed ||
      old.vulnerability.severity !== f.vulnerability.severity ||
      old.vex?.status !== f.vex?.status
    )
      findings.changed.push({ from: old, to: f });
  }
  for (const [key, f] of findingsBefore) if (!findingsAfter.has(key)) findings.removed.push({ from: f, to: undefined });
  const checksBefore = byKey(from.checks.results, (r) => r.id);
  const checksAfter = byKey(to.checks.results, (r) => r.id);
  const checks: CheckChange[] = [];
  for (const id of [...new Set([...checksBefore.keys(), ...checksAfter.keys()])].sort(compare)) {
    const b = checksBefore.get(id);
    const a = checksAfter.get(id);
    if (b?.result !== a?.result)
      checks.push({ id, title: (a ?? b)?.title ?? { de: id, en: id }, from: b?.result, to: a?.result });
  }
  return { packages: { added, removed, changed }, findings, checks };
}
