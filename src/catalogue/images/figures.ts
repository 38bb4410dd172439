import { canonicalJson, type Digest, digestOf, SgciError } from '../../core/index.ts';
import type { ScanReport } from '../../report/index.ts';
import { scanVexStatements } from '../../scan/index.ts';
import { type Severity, severityOrder, type VexStatement, type VulnReport } from '../../vuln/index.ts';
import type { CatalogueTx } from '../db/open.ts';
import type { StoredScanResult } from '../submissions/result.ts';
import { baselineOf, type DecidedShare, decidedShareOf, type RiskScore, riskOf } from '../triage/figures.ts';
import { productOf } from '../triage/statements.ts';

export type SeverityCounts = Readonly<Record<Severity, number>>;

/** The vulnerability figures of a version: each one recomputable with `sgci vulns` from its SBOM and VEX. */
export interface VulnerabilityFigures {
  /** Whether matching ran; when not, every count is 0 and says nothing. */
  readonly matched: boolean;
  /** Active findings per severity (not suppressed by VEX, not judged by the OS): `summary.active` of the report. */
  readonly open: SeverityCounts;
  /** Of those, the ones a fixed version exists for. */
  readonly fixable: SeverityCounts;
  readonly suppressed: number;
  readonly overdue: number;
  readonly osOwnedUpstream: number;
  /** The clock the SLA states were computed against (`sgci vulns --now`). */
  readonly evaluatedAt: string;
  readonly advisories: number;
}

/**
 * Everything the catalogue shows of one version's stored result, denormalised when the result is recorded: the
 * counts of `sgci vulns`, the check summary with the checklist baseline, and the published risk score and share of
 * decided findings (triage/figures.ts), each recomputable from the version's documents.
 */
export interface CatalogueFigures {
  readonly vulnerabilities: VulnerabilityFigures;
  readonly checks: {
    /** The checklist baseline: every check the policy requires passed (an applied exception waives a failure). */
    readonly baseline: 'passed' | 'failed';
    /** The required checks that fail. */
    readonly failing: readonly string[];
    readonly byResult: ScanReport['summary']['byResult'];
    readonly policy: string;
  };
  readonly risk: RiskScore;
  readonly decided: DecidedShare;
  readonly packages: number;
  readonly distro: { readonly id: string; readonly versionId: string | null; readonly name: string | null } | null;
  readonly ecosystems: readonly string[];
  readonly platform: string | null;
}

function zeroCounts(): Record<Severity, number> {
  return Object.fromEntries(severityOrder.map((s) => [s, 0])) as Record<Severity, number>;
}

/**
 * Open findings a fix exists for, per severity: counted exactly as `summary.active` counts (not suppressed,
 * judgement `open`), so `fixable[s] <= open[s]` and a consumer counts the same in `sgci vulns -o json`.
 */
function fixableCounts(report: VulnReport): SeverityCounts {
  const counts = zeroCounts();
  for (const f of report.matches)
    if (!f.suppressed && f.judgement === 'open' && f.fixState === 'fixed') counts[f.vulnerability.severity]++;
  return counts;
}

/** The figures of a vulnerability report, as `sgci vulns -o json` of the same SBOM and VEX gives them. */
export function vulnerabilityFigures(report: VulnReport, matched: boolean): VulnerabilityFigures {
  return {
    matched,
    open: { ...report.summary.active },
    fixable: fixableCounts(report),
    suppressed: report.summary.suppressed,
    overdue: report.summary.overdue,
    osOwnedUpstream: report.summary.osOwnedUpstream,
    evaluatedAt: report.evaluatedAt,
    advisories: report.database.advisories,
  };
}

/** The ecosystems of the SBOM's packages; results stored before they were recorded fall back to the findings'. */
function ecosystemsOf(result: StoredScanResult): string[] {
  const known = result.ecosystems ?? result.vulns.matches.map((f) => f.package.ecosystem);
  return [...new Set(known)].sort();
}

function catalogueFigures(result: StoredScanResult): CatalogueFigures {
  const distro = result.vulns.distro;
  const baseline = baselineOf(result.checks);
  return {
    vulnerabilities: vulnerabilityFigures(result.vulns, result.matched),
    checks: {
      baseline: baseline.result === 'pass' ? 'passed' : 'failed',
      failing: baseline.failing,
      byResult: result.checks.summary.byResult,
      policy: result.checks.policy.digest,
    },
    risk: riskOf(result.vulns, result.checks),
    decided: decidedShareOf(result.vulns),
    packages: result.packages,
    distro: distro ? { id: distro.id, versionId: distro.versionId ?? null, name: distro.prettyName ?? null } : null,
    ecosystems: ecosystemsOf(result),
    platform: result.platform,
  };
}

/**
 * The version's published VEX: every statement that decided one of its findings (from the contributor's
 * documents and the catalogue's decisions, as applied at the last evaluation), restated for this digest and the
 * finding's package, as `sgci scan --attest` writes it. Derived from the stored result and nothing else, so
 * `sgci vulns SBOM --vex VEX --now <evaluatedAt>` against the same advisories counts what the API shows; the
 * decisions in force now reach it with the next evaluation, together with the counts.
 */
function publishedVex(result: StoredScanResult, repository: string, digest: string): VexStatement[] {
  return scanVexStatements(result.vulns, productOf({ repository, digest }));
}

/** The highest severity (as its position in severityOrder) with an open, fixable finding; null when none. */
function fixableRank(fixable: SeverityCounts): number | null {
  const rank = severityOrder.findIndex((s) => fixable[s] > 0);
  return rank < 0 ? null : rank;
}

/** The digests of a result's two reports (canonical JSON), as a verdict attests them and the result's digest uses. */
export interface ReportDigests {
  readonly checks: Digest;
  readonly vulns: Digest;
}

/**
 * The digests of the result's reports; `checks`, when given, is the digest already known of its checks report (a
 * re-evaluation leaves the checks as the scan judged them, and hashing 100–200 KB again each time is most of its cost).
 */
export function reportDigestsOf(result: StoredScanResult, checks?: string | null): ReportDigests {
  return {
    checks: (checks as Digest | null | undefined) ?? digestOf(canonicalJson(result.checks)),
    vulns: digestOf(canonicalJson(result.vulns)),
  };
}

/**
 * The digest the export's ETag is built from: the result's canonical JSON with each report in it replaced by its
 * digest, so it changes exactly when the result does without hashing the reports twice.
 */
function resultDigestOf(result: StoredScanResult, reports: ReportDigests): string {
  return digestOf(canonicalJson({ ...result, checks: reports.checks, vulns: reports.vulns }));
}

/** A version's result whose figures are written, with the digests of its reports when the caller has them. */
export interface VersionResult {
  readonly submission: string;
  readonly result: StoredScanResult;
  readonly reports?: ReportDigests;
}

/**
 * Writes versions' figures and published VEX beside their results, in the caller's transaction, in one statement
 * for all of them: what the list, filters, search, version documents and export read without opening the result
 * again. `reports`: the digests of a result's reports when the caller has them (else computed here).
 */
export async function writeVersionFigures(tx: CatalogueTx, versions: readonly VersionResult[]): Promise<void> {
  if (versions.length === 0) return;
  const named = await tx
    .selectFrom('submissions')
    .innerJoin('images', 'images.name', 'submissions.image')
    .select(['submissions.id', 'submissions.image', 'submissions.digest', 'images.repository'])
    .where(
      'submissions.id',
      'in',
      versions.map((v) => v.submission),
    )
    .execute();
  const versionOf = new Map(named.map((v) => [v.id, v]));
  const rows = versions.map(({ submission, result, reports = reportDigestsOf(result) }) => {
    const version = versionOf.get(submission);
    if (!version) throw new SgciError('NOT_FOUND', submission, 'no such submission');
    const figures = catalogueFigures(result);
    return {
      submission,
      image: version.image,
      distro: figures.distro?.id ?? null,
      distro_version: figures.distro?.versionId ?? null,
      ecosystems: JSON.stringify(figures.ecosystems),
      fixable_rank: fixableRank(figures.vulnerabilities.fixable),
      overdue: figures.vulnerabilities.overdue,
      baseline: figures.checks.baseline,
      figures: JSON.stringify(figures),
      vex: JSON.stringify(publishedVex(result, version.repository, version.digest)),
      result_digest: resultDigestOf(result, reports),
    };
  });
  await tx
    .insertInto('version_figures')
    .values(rows)
    .onConflict((oc) =>
      oc.column('submission').doUpdateSet((eb) => ({
        image: eb.ref('excluded.image'),
        distro: eb.ref('excluded.distro'),
        distro_version: eb.ref('excluded.distro_version'),
        ecosystems: eb.ref('excluded.ecosystems'),
        fixable_rank: eb.ref('excluded.fixable_rank'),
        overdue: eb.ref('excluded.overdue'),
        baseline: eb.ref('excluded.baseline'),
        figures: eb.ref('excluded.figures'),
        vex: eb.ref('excluded.vex'),
        result_digest: eb.ref('excluded.result_digest'),
      })),
    )
    .execute();
}
