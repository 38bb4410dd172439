import { PackageURL } from 'packageurl-js';
import type { Distro, Package } from '../../catalog/index.ts';
import type { Sbom } from '../../sbom/index.ts';
import { schemeForEcosystem } from '../../version/index.ts';
import { distroEcosystems, languageEcosystems } from '../coverage/index.ts';
import { type OsvAffected, type OsvRecord, packageKey } from '../osv/record.ts';
import type { AdvisoryReader } from '../ports.ts';
import type { Finding, MatchDetail, Reference, SeverityScore } from '../types.ts';
import { evaluateAffected, type RangeUnknown } from './range.ts';
import { decidingScore, scoresOf } from './severity.ts';

/** What to search for one SBOM package. */
interface SearchKey {
  readonly ecosystem: string;
  readonly name: string;
  readonly version: string;
  readonly by: MatchDetail['by'];
  readonly matcher: string;
}

/** The OSV package name of a language package, from its purl (`@types/node`, `org.apache:commons`, `golang.org/x/net`). */
function osvName(pkg: Package): string {
  // Only these ecosystems spread the OSV name over purl namespace and name; parsing a purl costs more than
  // the rest of matching a package, so the others use the catalogued name (npm names keep their @scope/).
  if (pkg.ecosystem !== 'maven' && pkg.ecosystem !== 'golang' && pkg.ecosystem !== 'composer') return pkg.name;
  try {
    const purl = PackageURL.fromString(pkg.purl);
    if (!purl.namespace) return purl.name;
    return pkg.ecosystem === 'maven' ? `${purl.namespace}:${purl.name}` : `${purl.namespace}/${purl.name}`;
  } catch {
    return pkg.name;
  }
}

function searchKeys(pkg: Package, distro: Distro | undefined): SearchKey[] {
  if (pkg.metadata.kind === 'deb' || pkg.metadata.kind === 'apk' || pkg.metadata.kind === 'rpm') {
    const source = pkg.metadata.sourceName;
    // Distro advisories name source packages and source versions (a binNMU `+b1` binary still has its source version).
    const version = source && pkg.metadata.sourceVersion ? pkg.metadata.sourceVersion : pkg.version;
    return distroEcosystems(distro).map((ecosystem) => ({
      ecosystem,
      name: source ?? pkg.name,
      version,
      by: source ? 'distro-source-package' : 'distro-package',
      matcher: `${pkg.metadata.kind}-matcher`,
    }));
  }
  const ecosystem = languageEcosystems[pkg.ecosystem];
  if (!ecosystem) return [];
  return [
    {
      ecosystem,
      name: packageKey(ecosystem, osvName(pkg)),
      // OSV writes Go versions bare: module `v1.2.3` and toolchain `go1.21.0` are both `1.2.3`/`1.21.0` there.
      version: pkg.ecosystem === 'golang' ? pkg.version.replace(/^(v|go)/, '') : pkg.version,
      by: 'ecosystem-package',
      matcher: `${pkg.ecosystem}-matcher`,
    },
  ];
}

interface RawMatch {
  readonly record: OsvRecord;
  readonly source: string;
  readonly key: SearchKey;
  readonly fixed: readonly string[];
  readonly reason: string;
}

export interface MatchOutput {
  readonly findings: Omit<Finding, 'sla' | 'suppressed' | 'vex'>[];
  readonly notes: string[];
}

function idsOf(record: OsvRecord): string[] {
  return [record.id, ...(record.aliases ?? []), ...(record.upstream ?? [])];
}

/** Groups matches that share any id (a GHSA and a PYSEC aliasing the same CVE): one finding per group. */
function groupByAlias(matches: readonly RawMatch[]): RawMatch[][] {
  const parent = matches.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const owner = new Map<string, number>();
  matches.forEach((m, i) => {
    for (const id of idsOf(m.record)) {
      const j = owner.get(id);
      if (j === undefined) owner.set(id, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, RawMatch[]>();
  matches.forEach((m, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), m]);
  });
  return [...groups.values()];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The id a group is reported under: its one CVE when there is exactly one, else the first advisory id. */
function primaryId(group: readonly RawMatch[]): string {
  const all = new Set(group.flatMap((m) => idsOf(m.record)));
  const cves = [...all].filter((id) => id.startsWith('CVE-'));
  if (cves.length === 1) return cves[0] as string;
  return group.map((m) => m.record.id).sort(compareStrings)[0] as string;
}

function toFinding(
  pkg: Package,
  group: readonly RawMatch[],
  ownedBy: Package | undefined,
): MatchOutput['findings'][number] {
  const id = primaryId(group);
  const records = [...group].sort((a, b) => compareStrings(a.record.id, b.record.id));
  const aliases = [...new Set(records.flatMap((m) => idsOf(m.record)))].filter((a) => a !== id).sort(compareStrings);
  const scoreMap = new Map<string, SeverityScore>();
  for (const m of records)
    for (const s of scoresOf(m.record)) scoreMap.set(`${s.type}|${s.vector ?? ''}|${s.rating}`, s);
  const scores = [...scoreMap.values()].sort((a, b) => compareStrings(`${a.type}${a.vector}`, `${b.type}${b.vector}`));
  const references = new Map<string, Reference>();
  for (const m of records)
    for (const r of m.record.references ?? []) references.set(r.url, { type: r.type, url: r.url });
  const key = records[0]?.key as SearchKey;
  const scheme = schemeForEcosystem(key.ecosystem);
  const fixedVersions = [...new Set(records.flatMap((m) => m.fixed))].sort(
    (a, b) => scheme?.compare(a, b) ?? compareStrings(a, b),
  );
  const withFix = records.filter((m) => m.fixed.length > 0);
  const fixDates = withFix.map((m) => m.record.published ?? m.record.modified).sort(compareStrings);
  const published = records
    .map((m) => m.record.published)
    .filter((p): p is string => Boolean(p))
    .sort(compareStrings)[0];
  const modified = records
    .map((m) => m.record.modified)
    .sort(compareStrings)
    .at(-1);
  const summary = records.map((m) => m.record.summary).find((s) => s);
  const decided = decidingScore(scores);
  // The matched advisory whose own score decided (several may carry it: the first by id).
  const decidedBy = decided
    ? records.find((m) =>
        scoresOf(m.record).some(
          (s) => s.type === decided.type && s.vector === decided.vector && s.rating === decided.rating,
        ),
      )
    : undefined;
  const details: MatchDetail[] = records.map((m) => ({
    by: m.key.by,
    searched: { ecosystem: m.key.ecosystem, name: m.key.name, version: m.key.version },
    found: { advisory: m.record.id, range: m.reason },
    matcher: m.key.matcher,
  }));
  return {
    id: `${id}|${pkg.purl}`,
    vulnerability: {
      id,
      aliases,
      ...(summary ? { summary } : {}),
      severity: decided?.rating ?? 'UNKNOWN',
      // An unrated finding is rated from other sources, or given the policy's stand-in, by rateFromOtherSources.
      severitySource: decidedBy ? { kind: 'advisory', id: decidedBy.record.id } : { kind: 'policy' },
      scores,
      ...(published ? { published } : {}),
      ...(modified ? { modified } : {}),
      references: [...references.values()].sort((a, b) => compareStrings(a.url, b.url)),
      source: [...new Set(records.map((m) => m.source))].sort(compareStrings).join(' '),
    },
    package: {
      id: pkg.id,
      name: pkg.name,
      version: pkg.version,
      purl: pkg.purl,
      ecosystem: pkg.ecosystem,
      ...(key.by === 'distro-source-package' ? { sourceName: key.name } : {}),
    },
    fixedVersions,
    fixState: fixedVersions.length > 0 ? 'fixed' : 'not-fixed',
    ...(fixDates[0] ? { fixAvailableAt: new Date(fixDates[0]).toISOString() } : {}),
    details,
    judgement: ownedBy ? 'os-owned-upstream' : 'open',
    ...(ownedBy ? { ownedBy: { name: ownedBy.name, purl: ownedBy.purl } } : {}),
  };
}

/** An undecidable comparison, said once per package (its version) or per advisory (one of its range bounds). */
function unknownNote(pkg: Package, advisory: string, unknown: RangeUnknown): string {
  return unknown.subject === 'version'
    ? `${pkg.purl}: ${unknown.reason}; its ranges were not evaluated`
    : `${pkg.purl}: ${advisory} not evaluated: ${unknown.reason}`;
}

/**
 * Finds the advisories affecting each SBOM package: one batched lookup for all (ecosystem, name) pairs,
 * then exact range evaluation per ecosystem ordering, then alias merging per package.
 */
export async function findVulnerabilities(sbom: Sbom, advisories: AdvisoryReader): Promise<MatchOutput> {
  const notes = new Set<string>();
  const keysByPackage = new Map<Package, SearchKey[]>();
  for (const pkg of sbom.packages) {
    const keys = searchKeys(pkg, sbom.distro);
    keysByPackage.set(pkg, keys);
    if (
      (pkg.metadata.kind === 'deb' || pkg.metadata.kind === 'apk' || pkg.metadata.kind === 'rpm') &&
      keys.length === 0
    )
      notes.add(
        `no advisory ecosystem for distro ${sbom.distro?.id ?? 'unknown'} ${sbom.distro?.versionId ?? ''}`.trim(),
      );
  }
  const unique = new Map<string, { ecosystem: string; name: string }>();
  for (const keys of keysByPackage.values())
    for (const k of keys) unique.set(`${k.ecosystem}\u0000${k.name}`, { ecosystem: k.ecosystem, name: k.name });
  const rows = await advisories.findByPackages([...unique.values()]);
  const byKey = new Map<string, (typeof rows)[number][]>();
  for (const row of rows) {
    const k = `${row.ecosystem}\u0000${row.name}`;
    byKey.set(k, [...(byKey.get(k) ?? []), row]);
  }
  const owner = new Map<string, Package>();
  const byId = new Map(sbom.packages.map((p) => [p.id, p]));
  for (const r of sbom.relationships) {
    const from = byId.get(r.from);
    if (r.type === 'owns' && from) owner.set(r.to, from);
  }
  // Phase 1: evaluate every candidate's ranges for this package (small rows); phase 2: load the full records
  // of the advisories that matched, in one query, to build findings.
  const hits: { pkg: Package; key: SearchKey; id: string; fixed: readonly string[]; reason: string }[] = [];
  for (const [pkg, keys] of keysByPackage) {
    for (const key of keys) {
      const scheme = schemeForEcosystem(key.ecosystem);
      if (!scheme) {
        notes.add(`no version ordering for ecosystem ${key.ecosystem}`);
        continue;
      }
      for (const row of byKey.get(`${key.ecosystem}\u0000${key.name}`) ?? []) {
        for (const affected of row.affected as OsvAffected[]) {
          const p = affected.package;
          if (!p || p.ecosystem !== key.ecosystem || packageKey(p.ecosystem, p.name) !== key.name) continue;
          const verdict = evaluateAffected(affected, key.version, scheme);
          if (verdict.unknown) notes.add(unknownNote(pkg, row.id, verdict.unknown));
          if (verdict.affected) {
            hits.push({ pkg, key, id: row.id, fixed: verdict.fixed, reason: verdict.reason });
            break;
          }
          if (verdict.gitRangesIgnored) notes.add('GIT ranges are not evaluated (they need the commit graph)');
        }
      }
    }
  }
  const records = new Map((await advisories.getMany(hits.map((h) => h.id))).map((a) => [a.id, a]));
  const matchesByPackage = new Map<Package, RawMatch[]>();
  for (const hit of hits) {
    const stored = records.get(hit.id);
    if (!stored) continue; // removed between the two queries by a concurrent import
    const match: RawMatch = {
      record: stored.raw as unknown as OsvRecord,
      source: stored.source,
      key: hit.key,
      fixed: hit.fixed,
      reason: hit.reason,
    };
    matchesByPackage.set(hit.pkg, [...(matchesByPackage.get(hit.pkg) ?? []), match]);
  }
  const findings: MatchOutput['findings'] = [];
  for (const [pkg, matches] of matchesByPackage)
    for (const group of groupByAlias(matches)) findings.push(toFinding(pkg, group, owner.get(pkg.id)));
  // A vector that could not be scored leaves the finding judged by its other severities; the user is told.
  for (const f of findings)
    for (const s of f.vulnerability.scores) if (s.note) notes.add(`${f.vulnerability.id}: ${s.note}`);
  return { findings, notes: [...notes].sort(compareStrings) };
}
