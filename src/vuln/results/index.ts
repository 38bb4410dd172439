import type { Sbom } from '../../sbom/index.ts';
import { type Severity, severityOrder, type VulnReport } from '../types.ts';

/*
 * The vulnerability report's shape where no matching ran. Light on purpose: a scan without an advisory database
 * builds it without loading the matching machinery.
 */

/** No active finding of any severity: where a report's counts start. */
export function noActiveFindings(): Record<Severity, number> {
  return Object.fromEntries(severityOrder.map((s) => [s, 0])) as Record<Severity, number>;
}

/** The report when matching could not run (no database, an empty one): no findings, and the reason in notes. */
export function unmatchedReport(sbom: Sbom, note: string, now: Date): VulnReport {
  const active = noActiveFindings();
  return {
    schemaVersion: '1.0.0',
    subject: sbom.subject,
    ...(sbom.distro ? { distro: sbom.distro } : {}),
    matches: [],
    summary: { active, suppressed: 0, osOwnedUpstream: 0, overdue: 0 },
    database: { advisories: 0 },
    evaluatedAt: now.toISOString(),
    notes: [note],
  };
}
