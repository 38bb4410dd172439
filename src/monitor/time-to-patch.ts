import type { SlaPolicy } from '../policy/index.ts';
import type { StoredObservation } from '../store/index.ts';
import type { Finding, Severity } from '../vuln/index.ts';
import { isContentChange } from './classify.ts';
import { debianSuites } from './debian-index.ts';
import type { VulnChange } from './diff.ts';
import { changeOf } from './history.ts';

/** One vulnerability the tag fixed: when a fix was available, when the first digest with it was observed. */
export interface PatchedFinding extends VulnChange {
  /** First observation of the digest that no longer has the finding. */
  readonly patchedAt: string;
  readonly digest: string;
  /** patchedAt − fixAvailableAt in hours (0 when the image had the fix before the advisory said so); absent without a fix date. */
  readonly hours?: number;
  /** Whether `hours` is within the severity's SLA window; absent for `next-release` windows and unknown fix dates. */
  readonly withinSla?: boolean;
  /** Where `fixAvailableAt` comes from: the advisory data, or the first observation of a fixed version in the suite. */
  readonly fixAvailableFrom?: 'advisory' | 'package-index';
}

export interface SeverityFigures {
  readonly severity: Severity;
  readonly fixed: number;
  readonly p50Hours?: number;
  readonly p90Hours?: number;
  /** Share of the fixes with a deadline that met it (0…1); absent when none had one. */
  readonly withinSla?: number;
}

/** A finding of the current digest whose SLA clock runs: a fix is available, the tag does not have it yet. */
export interface OpenClock {
  readonly id: string;
  readonly package: string;
  readonly severity: Severity;
  readonly startedAt: string;
  readonly dueAt?: string;
  readonly runningHours: number;
  readonly overdue: boolean;
}

export interface PatchFigures {
  readonly patched: readonly PatchedFinding[];
  readonly bySeverity: readonly SeverityFigures[];
  /** Content changes (`metadata-only`, `packages-changed`) observed in the window. */
  readonly rebuilds: number;
  /** Rebuilds per 30 days over the window. */
  readonly rebuildsPer30Days: number;
}

const hourMs = 3_600_000;
const severities: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE', 'UNKNOWN'];

/** A fixed vulnerability of one package: how the package-index lookup is keyed. */
export function patchKey(change: Pick<VulnChange, 'id' | 'package'>): string {
  return `${change.id} ${change.package}`;
}

/** The Debian suite and source package of a fixed finding, when its purl names a Debian release. */
export function debianSourceOf(change: VulnChange): { suite: string; source: string } | undefined {
  const purl = /^pkg:deb\/debian\/([^@?]+)@[^?]*\?(.*)$/.exec(change.package);
  const release = new URLSearchParams(purl?.[2] ?? '')
    .get('distro')
    ?.replace(/^debian-/, '')
    .split('.')[0];
  const suite = release === undefined ? undefined : debianSuites[release];
  return purl && suite ? { suite, source: change.source ?? decodeURIComponent(purl[1] ?? '') } : undefined;
}

/** Nearest-rank percentile of sorted values: the smallest value with at least q of the values at or below it. */
export function percentile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

function slaMs(sla: SlaPolicy, severity: Severity): number | undefined {
  if (severity === 'NONE' || severity === 'UNKNOWN') return undefined;
  const window = sla[severity];
  return 'ms' in window ? window.ms : undefined;
}

/**
 * Time-to-patch of a tag from its ledger: every vulnerability a `packages-changed` move fixed within the window,
 * measured from when a fix was available (the advisory's date for the fixing version) to the first observation of
 * the digest without it; p50/p90 per severity and the share within the SLA window. Rebuild frequency counts only
 * content changes.
 */
export function timeToPatch(
  rows: readonly StoredObservation[],
  sla: SlaPolicy,
  window: { readonly from: Date; readonly to: Date },
  /** First observation of a fixed version in the package index, by `patchKey` (Debian, where observed). */
  fixObserved: ReadonlyMap<string, string> = new Map(),
): PatchFigures {
  const inWindow = rows.filter((r) => {
    const t = Date.parse(r.firstSeen);
    return t >= window.from.getTime() && t <= window.to.getTime();
  });
  const patched: PatchedFinding[] = [];
  let rebuilds = 0;
  for (const row of inWindow) {
    const change = changeOf(row);
    if (!change) continue;
    if (isContentChange(change.kind)) rebuilds++;
    for (const advised of change.vulns?.fixed ?? []) {
      const observed = fixObserved.get(patchKey(advised));
      const fixed = observed ? { ...advised, fixAvailableAt: observed } : advised;
      const patchedAt = row.firstSeen;
      const hours =
        fixed.fixAvailableAt === undefined
          ? undefined
          : Math.max(0, (Date.parse(patchedAt) - Date.parse(fixed.fixAvailableAt)) / hourMs);
      const limit = slaMs(sla, fixed.severity);
      patched.push({
        ...fixed,
        patchedAt,
        digest: row.digest,
        ...(hours !== undefined ? { hours } : {}),
        ...(hours !== undefined && limit !== undefined ? { withinSla: hours * hourMs <= limit } : {}),
        ...(fixed.fixAvailableAt !== undefined ? { fixAvailableFrom: observed ? 'package-index' : 'advisory' } : {}),
      });
    }
  }
  const bySeverity = severities.flatMap((severity): SeverityFigures[] => {
    const mine = patched.filter((p) => p.severity === severity);
    if (mine.length === 0) return [];
    const hours = mine.flatMap((p) => (p.hours === undefined ? [] : [p.hours])).sort((a, b) => a - b);
    const judged = mine.filter((p) => p.withinSla !== undefined);
    const p50 = percentile(hours, 0.5);
    const p90 = percentile(hours, 0.9);
    return [
      {
        severity,
        fixed: mine.length,
        ...(p50 !== undefined ? { p50Hours: p50 } : {}),
        ...(p90 !== undefined ? { p90Hours: p90 } : {}),
        ...(judged.length > 0 ? { withinSla: judged.filter((p) => p.withinSla).length / judged.length } : {}),
      },
    ];
  });
  const days = Math.max(1, (window.to.getTime() - window.from.getTime()) / (24 * hourMs));
  return { patched, bySeverity, rebuilds, rebuildsPer30Days: (rebuilds * 30) / days };
}

/** The running SLA clocks of the current digest's active findings, oldest clock first. */
export function openClocks(findings: readonly Finding[], now: Date): OpenClock[] {
  return findings
    .filter((f) => !f.suppressed && f.judgement === 'open' && f.sla?.startedAt)
    .map((f) => ({
      id: f.vulnerability.id,
      package: f.package.purl,
      severity: f.vulnerability.severity,
      startedAt: f.sla?.startedAt ?? '',
      ...(f.sla?.dueAt ? { dueAt: f.sla.dueAt } : {}),
      runningHours: (now.getTime() - Date.parse(f.sla?.startedAt ?? '')) / hourMs,
      overdue: f.sla?.overdue ?? false,
    }))
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : 1));
}
