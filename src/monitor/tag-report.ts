import { type Clock, describe, SgciError } from '../core/index.ts';
import type { SlaPolicy } from '../policy/index.ts';
import type { MonitorRepository, StoredObservation, WatchKey } from '../store/index.ts';
import { changeOf } from './history.ts';
import type { TagReport } from './report.ts';
import type { DigestScanner } from './scan.ts';
import { debianSourceOf, openClocks, patchKey, timeToPatch } from './time-to-patch.ts';
import { formatWatch, pinnedReference } from './watch-key.ts';

export interface TagReportDeps {
  readonly monitor: MonitorRepository;
  readonly clock: Clock;
  readonly sla: SlaPolicy;
  /** Scans the current digest for its running clocks; absent: the report says they were not looked at. */
  readonly scan?: DigestScanner;
}

/**
 * For Debian findings a move fixed: the first time a fixed version was seen in the suite's observed package index
 * (`sgci monitor debian-index`), earliest of the fixed versions; findings of suites never observed keep the
 * advisory's date.
 */
async function packageIndexFixes(
  monitor: MonitorRepository,
  rows: readonly StoredObservation[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const row of rows) {
    for (const fixed of changeOf(row)?.vulns?.fixed ?? []) {
      const debian = debianSourceOf(fixed);
      if (!debian || !fixed.fixedVersions?.length) continue;
      const seen = [...(await monitor.firstSeenVersions(debian.suite, debian.source, fixed.fixedVersions)).values()];
      const first = seen.sort()[0];
      if (first) out.set(patchKey(fixed), first);
    }
  }
  return out;
}

/** The report of one tag over the window (`windowMs` back from now; absent: since the first observation). */
export async function tagReport(deps: TagReportDeps, key: WatchKey, windowMs?: number): Promise<TagReport> {
  const name = formatWatch(key);
  const rows = await deps.monitor.history(key);
  const first = rows[0];
  if (!first) throw new SgciError('NOT_FOUND', name, `no observations for ${key.platform}: run sgci monitor run first`);
  const now = deps.clock();
  const from = windowMs === undefined ? new Date(first.firstSeen) : new Date(now.getTime() - windowMs);
  const figures = timeToPatch(rows, deps.sla, { from, to: now }, await packageIndexFixes(deps.monitor, rows));
  const current = rows.at(-1);
  let open: Pick<TagReport, 'open' | 'openUnavailable'>;
  if (!deps.scan || !current) open = { openUnavailable: 'not scanned (--no-scan)' };
  else {
    try {
      const scan = await deps.scan(pinnedReference(key, current.digest), key.platform);
      open = scan.vulns
        ? { open: openClocks(scan.vulns.matches, now) }
        : { openUnavailable: 'no advisory data: run sgci db import or sgci db update' };
    } catch (error) {
      open = { openUnavailable: `the current digest could not be scanned: ${describe(error)}` };
    }
  }
  return {
    tag: name,
    platform: key.platform,
    window: { from: from.toISOString(), to: now.toISOString() },
    ...(current ? { digest: current.digest } : {}),
    ...figures,
    ...open,
  };
}
