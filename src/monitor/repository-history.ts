import type { StoredWatch } from '../store/index.ts';
import { type HistoryEntry, historyEntries } from './history.ts';
import { type TagReportDeps, tagReport } from './tag-report.ts';
import type { SeverityFigures } from './time-to-patch.ts';
import { watchKeyOf } from './watch-key.ts';

/** A watched tag of a repository as the catalogue's image page shows it: its ledger and its time-to-patch. */
export interface WatchedTagHistory {
  readonly tag: string;
  readonly platform: string;
  /** The ledger, oldest first. */
  readonly entries: readonly HistoryEntry[];
  /** Content changes since the first observation. */
  readonly rebuilds: number;
  /** Severities with at least one fixed vulnerability, highest first: count, p50 and p90 in hours, share within SLA. */
  readonly timeToPatch: readonly SeverityFigures[];
}

/**
 * What the monitor observed of the tags it watches in `repository` (`registry/path`, as the catalogue stores an
 * image's repository), tag by tag; empty when none is watched or the name is not a registry repository. Reads the
 * ledger only: the running clocks need a scan, which a page does not start.
 */
export async function repositoryHistory(
  deps: Omit<TagReportDeps, 'scan'>,
  repository: string,
): Promise<WatchedTagHistory[]> {
  let key: ReturnType<typeof watchKeyOf>;
  try {
    key = watchKeyOf(repository);
  } catch {
    // a digest or another source is not a watchable repository: nothing can have been observed
    return [];
  }
  const watched = (await deps.monitor.watches())
    .filter((w) => w.registry === key.registry && w.repository === key.repository && w.current !== undefined)
    .sort((a, b) => a.tag.localeCompare(b.tag) || a.platform.localeCompare(b.platform));
  const out: WatchedTagHistory[] = [];
  for (const watch of watched) out.push(await tagHistory(deps, watch));
  return out;
}

async function tagHistory(deps: Omit<TagReportDeps, 'scan'>, watch: StoredWatch): Promise<WatchedTagHistory> {
  const [rows, report] = await Promise.all([deps.monitor.history(watch), tagReport(deps, watch)]);
  return {
    tag: watch.tag,
    platform: watch.platform,
    entries: historyEntries(rows),
    rebuilds: report.rebuilds,
    timeToPatch: report.bySeverity,
  };
}
