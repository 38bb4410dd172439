/**
 * The protocol between `bench/run.ts` and each benchmark: a benchmark records its headline figures with
 * `headline` (one JSON line each, appended to the file run.ts names in SGCI_BENCH_SUMMARY), and run.ts prints
 * them all in one table with their targets at the end. A benchmark run alone records nothing. `quick` is run.ts's
 * `--quick`: fewer runs and smaller synthetic sets, for a smoke run.
 */
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';

/** How a figure compares with its limit. */
export type Direction = '<=' | '<' | '>=' | '>';

/**
 * A goal: on the figure itself (`value`, in the figure's unit) or on its ratio to the reference (`ratio`: the
 * figure divided by the floor's or peer's, so `<= 1.3` is "at most 1.3x the floor").
 */
export interface Target {
  readonly on: 'value' | 'ratio';
  readonly direction: Direction;
  readonly limit: number;
  /** Where the goal comes from, e.g. `#17`. */
  readonly source?: string;
}

/** The floor or peer measured beside sgci, in the figure's unit. */
export interface Reference {
  readonly name: string;
  readonly value: number;
  /** Its peak RSS, MiB. */
  readonly rssMiB?: number;
}

/** One headline figure of a benchmark. */
export interface Headline {
  /** What was measured, e.g. `sgci db status, 27 advisories`. */
  readonly what: string;
  /** sgci's figure: NaN when it could not be measured (reported as missing, never as passed). */
  readonly value: number;
  /** The figure's unit: `s`, `ms/version`, `records/s` … */
  readonly unit: string;
  readonly reference?: Reference;
  /** The goal; without one the figure is shown for information. */
  readonly target?: Target;
  /**
   * Why a goal that covers figures like this one does not apply to it: a bound no implementation could get under
   * on this input (one layer that holds most of the bytes, Node's own start-up against a floor of milliseconds),
   * measured in the same run and shown beside the figure.
   */
  readonly bounded?: string;
  /** Peak RSS of each sgci process measured, MiB, by process. */
  readonly rssMiB?: Readonly<Record<string, number>>;
  /** The largest peak RSS allowed to each process in `rssMiB`. */
  readonly rssLimitMiB?: number;
}

/** Set by run.ts: the file a benchmark appends its headline figures to. */
export const summaryFileVariable = 'SGCI_BENCH_SUMMARY';
/** Set by run.ts for `--quick`. */
export const quickVariable = 'SGCI_BENCH_QUICK';

/** `npm run bench -- --quick`: one run per figure and smaller synthetic sets. */
export const quick = process.env[quickVariable] === '1';

/** Records one headline figure for run.ts's summary (nothing when the benchmark runs alone). */
export function headline(figure: Headline): void {
  const file = process.env[summaryFileVariable];
  if (file) appendFileSync(file, `${JSON.stringify({ kind: 'figure', ...figure })}\n`);
}

/**
 * Says that the benchmark (or a part of it) did not run and why (missing fixtures, no PostgreSQL …), on stdout
 * and in run.ts's summary, where it is shown and never passed.
 */
export function skipped(reason: string): void {
  process.stdout.write(`bench ${basename(process.argv[1] ?? '', '.ts')} skipped: ${reason}\n`);
  const file = process.env[summaryFileVariable];
  if (file) appendFileSync(file, `${JSON.stringify({ kind: 'skipped', reason })}\n`);
}

/** Peak RSS of this process so far, MiB: for benchmarks that measure in process. */
export function ownPeakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
