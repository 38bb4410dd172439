import { defaultPolicy, type SlaPolicy, slaPolicyOf } from '../policy/index.ts';
import type { Sbom } from '../sbom/index.ts';
import { findVulnerabilities } from './match/match.ts';
import { rateFromOtherSources } from './match/severity.ts';
import type { AdvisoryReader } from './ports.ts';
import { noActiveFindings } from './results/index.ts';
import { gateSeverity, slaOf } from './sla.ts';
import { type Finding, type Severity, severityOrder, type VexStatement, type VulnReport } from './types.ts';
import { applyVex } from './vex/apply.ts';

export interface MatchOptions {
  /** VEX statements from documents and the store; applied after matching. */
  readonly vex?: readonly VexStatement[];
  /** Remediation deadlines, and what a finding no source rates counts as (`unrated`); the built-in policy's when absent. */
  readonly sla?: SlaPolicy;
  /** The clock for SLA states; pass a fixed time for reproducible reports. */
  readonly now?: Date;
  /** Notes from reading the VEX documents etc., carried into the report. */
  readonly notes?: readonly string[];
}

function compareFindings(a: Finding, b: Finding): number {
  const s = severityOrder.indexOf(a.vulnerability.severity) - severityOrder.indexOf(b.vulnerability.severity);
  if (s !== 0) return s;
  if (a.vulnerability.id !== b.vulnerability.id) return a.vulnerability.id < b.vulnerability.id ? -1 : 1;
  return a.package.purl < b.package.purl ? -1 : a.package.purl > b.package.purl ? 1 : 0;
}

/** Matches an SBOM against the advisory database, applies VEX and SLA: the whole `sgci vulns` result. */
export async function matchSbom(
  sbom: Sbom,
  advisories: AdvisoryReader,
  options: MatchOptions = {},
): Promise<VulnReport> {
  const now = options.now ?? new Date();
  const windows = options.sla ?? slaPolicyOf(defaultPolicy);
  const { findings: matched, notes } = await findVulnerabilities(sbom, advisories);
  const raw = await rateFromOtherSources(matched, advisories, windows.unrated);
  const withVex = applyVex(
    raw.map((f): Omit<Finding, 'sla'> => ({ ...f, suppressed: false, vex: null })),
    options.vex ?? [],
    sbom.subject,
  );
  const matches: Finding[] = withVex
    .map((f): Finding => {
      const sla = slaOf(f, windows, now);
      return sla ? { ...f, sla } : f;
    })
    .sort(compareFindings);
  const active = noActiveFindings();
  for (const f of matches) if (!f.suppressed && f.judgement === 'open') active[f.vulnerability.severity]++;
  const database = await advisories.summary();
  return {
    schemaVersion: '1.0.0',
    subject: sbom.subject,
    ...(sbom.distro ? { distro: sbom.distro } : {}),
    matches,
    summary: {
      active,
      suppressed: matches.filter((f) => f.suppressed).length,
      osOwnedUpstream: matches.filter((f) => f.judgement === 'os-owned-upstream').length,
      overdue: matches.filter((f) => f.sla?.overdue).length,
    },
    database: { advisories: database.advisories, ...(database.lastImport ? { lastImport: database.lastImport } : {}) },
    evaluatedAt: now.toISOString(),
    notes: [
      ...notes,
      ...(options.notes ?? []),
      ...(database.advisories === 0 ? ['the advisory database is empty: run sgci db import or sgci db update'] : []),
    ].sort(),
  };
}

/** True when an active, counted finding reaches the threshold (`--fail-on HIGH` fails on HIGH and CRITICAL). */
export function reachesSeverity(report: VulnReport, threshold: Severity): boolean {
  const limit = severityOrder.indexOf(threshold);
  // An unrated finding counts as the severity it is treated as (`severitySource.treatedAs`), not as harmless.
  return report.matches.some(
    (f) => !f.suppressed && f.judgement === 'open' && severityOrder.indexOf(gateSeverity(f.vulnerability)) <= limit,
  );
}
