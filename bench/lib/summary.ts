/**
 * The one table `npm run bench` ends with: every headline figure the benchmarks recorded (bench/lib/headline.ts)
 * beside its floor or peer and its target, PASS or MISS, and a row for each benchmark that crashed, was skipped or
 * recorded nothing, so that no figure vanishes silently. Printed as text and written as Markdown and JSON.
 */
import { readFileSync } from 'node:fs';
import type { Headline, Target } from './headline.ts';
import { table } from './report.ts';

/**
 * PASS and MISS: the target was met or not; MISSING: a figure the target needs was not measured; INFO: no target;
 * SKIPPED: the benchmark did not run (its reason beside); ERROR: the benchmark crashed or wrote an unreadable line.
 */
export type Verdict = 'PASS' | 'MISS' | 'MISSING' | 'INFO' | 'SKIPPED' | 'ERROR';

/** What one benchmark process left: its exit and the lines it appended to its summary file. */
export interface BenchOutcome {
  readonly name: string;
  /** Exit status, or the signal that ended it. */
  readonly exit: number | string;
  readonly seconds: number;
  readonly lines: readonly string[];
}

/** One row of the summary: a headline figure with its verdict, or what became of a benchmark. */
export interface SummaryRow {
  readonly bench: string;
  readonly what: string;
  readonly verdict: Verdict;
  /** Why a row is not PASS (which part missed, what is missing, the skip reason, the error). */
  readonly why?: string;
  readonly figure?: Headline;
}

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

function holds(value: number, target: Pick<Target, 'direction' | 'limit'>): boolean {
  switch (target.direction) {
    case '<=':
      return value <= target.limit;
    case '<':
      return value < target.limit;
    case '>=':
      return value >= target.limit;
    case '>':
      return value > target.limit;
  }
}

/** The figure divided by its reference's; NaN when either is missing or the reference is not positive. */
export function ratioOf(figure: Headline): number {
  const reference = figure.reference?.value;
  return finite(figure.value) && finite(reference) && reference > 0 ? figure.value / reference : Number.NaN;
}

/**
 * Whether a figure met its target: every part of the goal (time or ratio, peak RSS) must be measured and met.
 * A part that missed makes it MISS, else a part not measured makes it MISSING.
 */
export function verdictOf(figure: Headline): { verdict: Verdict; why?: string } {
  if (!finite(figure.value)) return { verdict: 'MISSING', why: 'not measured' };
  const missed: string[] = [];
  const missing: string[] = [];
  if (figure.target) {
    const measured = figure.target.on === 'ratio' ? ratioOf(figure) : figure.value;
    if (!finite(measured)) missing.push(`no ${figure.reference?.name ?? 'reference'} to compare with`);
    else if (!holds(measured, figure.target)) missed.push(figure.target.on);
  }
  if (figure.rssLimitMiB !== undefined) {
    const rss = Object.entries(figure.rssMiB ?? {});
    if (rss.length === 0) missing.push('no peak RSS');
    for (const [process, mib] of rss) {
      if (!finite(mib)) missing.push(`no peak RSS of ${process}`);
      else if (mib > figure.rssLimitMiB) missed.push(`peak RSS of ${process}`);
    }
  }
  if (missed.length > 0) return { verdict: 'MISS', why: missed.join(', ') };
  if (missing.length > 0) return { verdict: 'MISSING', why: missing.join(', ') };
  if (!figure.target && figure.rssLimitMiB === undefined)
    return figure.bounded ? { verdict: 'INFO', why: figure.bounded } : { verdict: 'INFO' };
  // a bound that leaves only the memory goal is said beside the PASS, so the pass is not read as the time's
  return figure.bounded && !figure.target
    ? { verdict: 'PASS', why: `peak RSS; no time target: ${figure.bounded}` }
    : { verdict: 'PASS' };
}

/** Every row of one benchmark: its figures, its skip, and an ERROR row when it failed or wrote a bad line. */
export function rowsOf(outcome: BenchOutcome): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const bench = outcome.name;
  for (const [i, line] of outcome.lines.entries()) {
    if (!line.trim()) continue;
    let record: { kind?: string; reason?: string; what?: string } & Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      rows.push({ bench, what: `line ${i + 1} of its summary`, verdict: 'ERROR', why: 'not JSON' });
      continue;
    }
    if (record.kind === 'skipped') rows.push({ bench, what: 'skipped', verdict: 'SKIPPED', why: record.reason ?? '' });
    else if (record.kind === 'figure' && typeof record.what === 'string') {
      // JSON writes NaN as null: a figure that could not be measured
      const { kind: _, ...fields } = record;
      const figure = { ...fields, value: finite(fields.value) ? fields.value : Number.NaN } as unknown as Headline;
      rows.push({ bench, what: figure.what, ...verdictOf(figure), figure });
    } else rows.push({ bench, what: `line ${i + 1} of its summary`, verdict: 'ERROR', why: 'not a figure' });
  }
  if (outcome.exit !== 0)
    rows.push({
      bench,
      what: 'the benchmark',
      verdict: 'ERROR',
      why: `exited with ${outcome.exit}${rows.length > 0 ? ' (the rows above were recorded before)' : ''}`,
    });
  else if (rows.length === 0)
    rows.push({ bench, what: 'the benchmark', verdict: 'MISSING', why: 'no headline figure' });
  return rows;
}

/** A lines-per-benchmark summary file as run.ts reads it back; a file never written is no lines. */
export function readSummaryLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A figure with as many decimals as its size needs: 1,234 · 123 · 12.3 · 1.23 · 0.123. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 0.1 || abs === 0) return n.toFixed(2);
  return n.toFixed(3);
}

const sign: Record<Target['direction'], string> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>' };

/** A limit as a goal states it: 1.3, 0.15, 0.33, 5000. */
const formatLimit = (n: number) => String(Number(n.toPrecision(2)));

/** The goal as a reader states it: `≤ 1.3x, ≤ 200 MiB (#17)` (a ratio to the floor or peer beside it). */
export function formatTarget(figure: Headline): string {
  const parts: string[] = [];
  const t = figure.target;
  if (t)
    parts.push(
      t.on === 'ratio'
        ? `${sign[t.direction]} ${formatLimit(t.limit)}x`
        : `${sign[t.direction]} ${formatLimit(t.limit)} ${figure.unit}`,
    );
  if (figure.rssLimitMiB !== undefined) parts.push(`≤ ${formatLimit(figure.rssLimitMiB)} MiB`);
  if (parts.length === 0) return '-';
  return `${parts.join(', ')}${t?.source ? ` (${t.source})` : ''}`;
}

const mebibytes = (mib: number) => (Number.isFinite(mib) ? String(Math.round(mib)) : '-');

/** Peak RSS of every process measured, sgci's first: `sgci 75, gzip -dc 2`. */
export function formatRss(figure: Headline): string {
  const parts = Object.entries(figure.rssMiB ?? {}).map(([process, mib]) => `${process} ${mebibytes(mib)}`);
  const reference = figure.reference;
  if (reference && reference.rssMiB !== undefined) parts.push(`${reference.name} ${mebibytes(reference.rssMiB)}`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

export const summaryHeader = [
  'bench',
  'figure',
  'sgci',
  'floor / peer',
  'ratio',
  'target',
  'peak RSS MiB',
  'verdict',
] as const;

/** The cells of one row, in `summaryHeader`'s order. */
export function cellsOf(row: SummaryRow): string[] {
  const f = row.figure;
  const verdict = row.why ? `${row.verdict}: ${row.why}` : row.verdict;
  if (!f) return [row.bench, row.what, '-', '-', '-', '-', '-', verdict];
  const ratio = ratioOf(f);
  return [
    row.bench,
    f.what,
    `${formatNumber(f.value)} ${f.unit}`,
    f.reference ? `${f.reference.name} ${formatNumber(f.reference.value)} ${f.unit}` : '-',
    Number.isFinite(ratio) ? `${formatNumber(ratio)}x` : '-',
    formatTarget(f),
    formatRss(f),
    verdict,
  ];
}

/** What a reader needs to weigh the figures: the machine, its load before and after, Node, the run. */
export interface MachineFacts {
  readonly startedAt: string;
  readonly seconds: number;
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly loadAtStart: readonly number[];
  readonly loadAtEnd: readonly number[];
  readonly node: string;
  readonly os: string;
  readonly commit: string;
  readonly quick: boolean;
}

function factLines(m: MachineFacts): string[] {
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');
  return [
    `run: ${m.startedAt}, ${formatNumber(m.seconds)} s${m.quick ? ', --quick (one run, smaller sets)' : ''}`,
    `commit: ${m.commit}`,
    `machine: ${m.cores} cores (${m.cpu}), ${formatNumber(m.memoryGiB)} GiB, ${m.os}; Node ${m.node}`,
    `load average (1, 5, 15 min): ${load(m.loadAtStart)} at the start, ${load(m.loadAtEnd)} at the end`,
  ];
}

/** How long each benchmark took: `attest 10 s, build 48 s`. */
function durations(benches: readonly BenchOutcome[]): string {
  return `durations: ${benches.map((b) => `${b.name} ${formatNumber(b.seconds)} s`).join(', ')}`;
}

/** Counts per verdict: `12 PASS, 3 MISS, 1 ERROR`. */
export function tally(rows: readonly SummaryRow[]): string {
  const counts = new Map<Verdict, number>();
  for (const r of rows) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  return [...counts].map(([verdict, n]) => `${n} ${verdict}`).join(', ');
}

/** The summary as the terminal shows it. */
export function summaryText(
  rows: readonly SummaryRow[],
  machine: MachineFacts,
  benches: readonly BenchOutcome[],
): string {
  const lines = table(summaryHeader, rows.map(cellsOf), 'end')
    .split('\n')
    .map((l) => l.trimEnd());
  return `${lines.join('\n')}\n${tally(rows)}\n${[...factLines(machine), durations(benches)].join('\n')}\n`;
}

const markdownCell = (cell: string) => cell.replaceAll('|', '\\|');

/** The summary as Markdown: the facts as a list, the figures as one table. */
export function summaryMarkdown(
  rows: readonly SummaryRow[],
  machine: MachineFacts,
  benches: readonly BenchOutcome[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [
    '# sgci benchmarks',
    '',
    ...[...factLines(machine), durations(benches)].map((l) => `- ${l}`),
    '',
    line(summaryHeader),
    line(summaryHeader.map(() => '---')),
    ...rows.map((r) => line(cellsOf(r))),
    '',
    tally(rows),
    '',
  ].join('\n');
}

/** The summary as JSON: the facts, and each row with its figure as recorded (a missing value as null). */
export function summaryJson(rows: readonly SummaryRow[], machine: MachineFacts, benches: readonly BenchOutcome[]) {
  return {
    machine,
    benches: benches.map(({ name, exit, seconds }) => ({ name, exit, seconds })),
    rows: rows.map((r) => ({
      bench: r.bench,
      what: r.what,
      verdict: r.verdict,
      ...(r.why ? { why: r.why } : {}),
      ...(r.figure ? { figure: r.figure, ratio: ratioOf(r.figure) } : {}),
    })),
  };
}
