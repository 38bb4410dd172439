import type { SlaPolicy } from '../policy/index.ts';
import type { Finding, Severity, SlaState, VulnerabilityInfo } from './types.ts';

/**
 * The SLA state of one finding under the policy's windows: the clock starts when a fix became available; without
 * a fix there is nothing to apply yet, so no deadline. Suppressed and OS-owned upstream findings are never overdue.
 * A finding no source rates runs on the window of the severity it is treated as (the policy's `unknownSeverity`);
 * NONE has no SLA state.
 */
export function slaOf(finding: Omit<Finding, 'sla'>, policy: SlaPolicy, now: Date): SlaState | undefined {
  const severity = gateSeverity(finding.vulnerability, policy.unrated);
  if (severity === 'NONE' || severity === 'UNKNOWN') return undefined;
  const window = policy[severity];
  const base = { policy: window.text };
  if (finding.fixState !== 'fixed' || !finding.fixAvailableAt) return { ...base, overdue: false };
  const startedAt = finding.fixAvailableAt;
  if (!('ms' in window)) return { ...base, startedAt, overdue: false };
  const due = new Date(new Date(startedAt).getTime() + window.ms);
  const counted = !finding.suppressed && finding.judgement === 'open';
  return { ...base, startedAt, dueAt: due.toISOString(), overdue: counted && now.getTime() > due.getTime() };
}

/**
 * The severity SLA and gates use: the finding's rating, or for one no source rates the stand-in it is treated as
 * (`unknownSeverity` when given, as the policy says, else the one recorded at matching).
 */
export function gateSeverity(vulnerability: VulnerabilityInfo, unknownSeverity?: Severity): Severity {
  if (vulnerability.severity !== 'UNKNOWN') return vulnerability.severity;
  return unknownSeverity ?? vulnerability.severitySource.treatedAs ?? 'UNKNOWN';
}
