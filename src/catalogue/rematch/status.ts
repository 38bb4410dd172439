import type { SubmissionStatus } from '../submissions/states.ts';
import type { OverdueFinding } from './findings.ts';

/** A state change a re-evaluation makes, with the reason shown beside the state. */
export interface StatusMove {
  readonly to: SubmissionStatus;
  readonly reason: string;
}

const hour = 3_600_000;

function duration(ms: number): string {
  return ms % (24 * hour) === 0 ? `${ms / (24 * hour)} days` : `${Math.round(ms / hour)} hours`;
}

function overdueText(overdue: readonly OverdueFinding[]): string {
  const [first, ...rest] = overdue;
  if (!first) return '';
  const f = first.finding;
  const more = rest.length > 0 ? ` and ${rest.length} more` : '';
  return `${f.vulnerability.id} in ${f.package.purl} (${f.vulnerability.severity}) was due ${first.due.toISOString()}${more}`;
}

/** When an at-risk version is suspended: its oldest overdue deadline plus the grace. */
export function graceEnd(overdue: readonly OverdueFinding[], suspendAfterMs: number): Date | undefined {
  const oldest = overdue[0];
  return oldest ? new Date(oldest.due.getTime() + suspendAfterMs) : undefined;
}

/**
 * Where a public version goes after a re-evaluation: `admitted` with an overdue finding → `at-risk`; past the grace
 * (counted from the oldest overdue deadline) → `suspended`; without an overdue finding, `at-risk` and `suspended`
 * → `admitted`. A suspended version stays suspended while any finding is overdue (the state machine has no way
 * back to at-risk). Other states do not move by re-evaluation. `overdue` is sorted, the earliest deadline first.
 */
export function livingStatus(
  status: SubmissionStatus,
  overdue: readonly OverdueFinding[],
  now: Date,
  suspendAfterMs: number,
): StatusMove | undefined {
  if (status !== 'admitted' && status !== 'at-risk' && status !== 'suspended') return undefined;
  const end = graceEnd(overdue, suspendAfterMs);
  if (!end) return status === 'admitted' ? undefined : { to: 'admitted', reason: 'no finding is overdue any more' };
  if (now.getTime() > end.getTime()) {
    if (status === 'suspended') return undefined;
    return {
      to: 'suspended',
      reason: `SLA overdue for more than ${duration(suspendAfterMs)}: ${overdueText(overdue)}`,
    };
  }
  return status === 'admitted' ? { to: 'at-risk', reason: `SLA overdue: ${overdueText(overdue)}` } : undefined;
}
