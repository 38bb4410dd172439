import { renderTable } from '../core/index.ts';
import type { StoredObservation } from '../store/index.ts';
import type { Change, ChangeKind } from './classify.ts';

/** One row of `sgci monitor history -o json`: the ledger row, `change` the kind against the row before. */
export interface HistoryEntry {
  readonly tag: string;
  readonly platform: string;
  readonly digest: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Null for the tag's first observation: there is nothing to compare it with. */
  readonly change: ChangeKind | null;
}

export const historyFormats = ['table', 'json', 'csv'] as const;
export type HistoryFormat = (typeof historyFormats)[number];

/** The change a ledger row records, as the monitor wrote it. */
export function changeOf(row: StoredObservation): Change | null {
  return (row.change ?? null) as Change | null;
}

export function historyEntries(rows: readonly StoredObservation[]): HistoryEntry[] {
  return rows.map((row) => ({
    tag: row.tag,
    platform: row.platform,
    digest: row.digest,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    change: changeOf(row)?.kind ?? null,
  }));
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The ledger of a tag, oldest first, in one of the history formats. */
export function renderHistory(entries: readonly HistoryEntry[], format: HistoryFormat): string {
  if (format === 'json') return `${JSON.stringify({ entries }, null, 2)}\n`;
  const header = ['tag', 'platform', 'digest', 'firstSeen', 'lastSeen', 'change'];
  const cells = entries.map((e) => [e.tag, e.platform, e.digest, e.firstSeen, e.lastSeen, e.change ?? '']);
  if (format === 'csv') return [header, ...cells].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
  return renderTable(header, cells);
}
