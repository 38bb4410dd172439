import type { SlaPolicy } from '../policy/index.ts';
import type { Finding, SlaState } from './types.ts';

/**
 * The SLA state of one finding under the policy's windows: the clock starts when a fix became available; without
 * a fix there is nothing to apply yet, so no deadline. Suppressed and OS-owned upstream findings are never overdue.
 * Severities without a window (NONE, UNKNOWN) have no SLA state.
 */
export function slaOf(finding: Omit<Finding, 'sla'>, policy: SlaPolicy, now: Date): SlaState | undefined {
  const severity = finding.vulnerability.severity;
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
