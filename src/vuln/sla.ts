import type { Finding, Severity, SlaState, VulnerabilityInfo } from './types.ts';

/** Remediation deadlines per severity: a duration in hours, or `next-release`. */
export type SlaPolicy = Readonly<Partial<Record<Severity, number | 'next-release'>>>;

/** From the base-image policy seed: CRITICAL 48 h, HIGH 7 days, MEDIUM 30 days, LOW with the next release. */
export const defaultSlaPolicy: SlaPolicy = Object.freeze({
  CRITICAL: 48,
  HIGH: 7 * 24,
  MEDIUM: 30 * 24,
  LOW: 'next-release',
});

function describePolicy(value: number | 'next-release'): string {
  if (value === 'next-release') return 'next-release';
  return value % 24 === 0 ? `${value / 24}d` : `${value}h`;
}

/**
 * The SLA state of one finding: the clock starts when a fix became available; without a fix there is
 * nothing to apply yet, so no deadline. Suppressed and OS-owned upstream findings are never overdue.
 */
export function slaOf(finding: Omit<Finding, 'sla'>, policy: SlaPolicy, now: Date): SlaState | undefined {
  // An unrated finding runs on the clock of the severity it is treated as (the policy's unknownSeverity).
  const deadline = policy[gateSeverity(finding.vulnerability)];
  if (deadline === undefined) return undefined;
  const base = { policy: describePolicy(deadline) };
  if (finding.fixState !== 'fixed' || !finding.fixAvailableAt) return { ...base, overdue: false };
  const startedAt = finding.fixAvailableAt;
  if (deadline === 'next-release') return { ...base, startedAt, overdue: false };
  const due = new Date(new Date(startedAt).getTime() + deadline * 3_600_000);
  const counted = !finding.suppressed && finding.judgement === 'open';
  return { ...base, startedAt, dueAt: due.toISOString(), overdue: counted && now.getTime() > due.getTime() };
}

/** Parses `48h`, `7d`, `next-release` (policy files, flags). */
export function parseSlaDuration(text: string): number | 'next-release' | undefined {
  if (text === 'next-release') return text;
  const m = /^([0-9]+)([hd])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'd' ? 24 : 1);
}

/**
 * The severity SLA and gates use: the finding's rating, or for one no source rates the stand-in it is treated as
 * (`unknownSeverity` when given, as the checks pass the policy's, else the one recorded at matching).
 */
export function gateSeverity(vulnerability: VulnerabilityInfo, unknownSeverity?: Severity): Severity {
  if (vulnerability.severity !== 'UNKNOWN') return vulnerability.severity;
  return unknownSeverity ?? vulnerability.severitySource.treatedAs ?? 'UNKNOWN';
}
