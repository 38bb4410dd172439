/**
 * Where a build's time goes, phase by phase: what `sgci build -o json` reports as `report.phases` and the bench
 * prints for a cold build. Phases overlap (downloads run side by side, the proof's second run beside the scan), so
 * each is given as the wall time it covered (the union of its spans) beside the time its spans add up to.
 */

/** A phase of a build, in the order a cold build meets them. */
export const buildPhases = [
  'download InRelease',
  'verify InRelease',
  'download index',
  'decompress index',
  'parse index',
  'resolve',
  'download .deb',
  'expand .deb',
  'assemble',
  'second run',
  'scan and gate',
  'write outputs',
] as const;
export type BuildPhase = (typeof buildPhases)[number];

/** One phase's figures, seconds from the start of the build. */
export interface PhaseFigures {
  readonly phase: BuildPhase;
  /** Wall time covered by at least one span of the phase. */
  readonly seconds: number;
  /** The spans' lengths added up (more than `seconds` where they ran side by side). */
  readonly busySeconds: number;
  readonly spans: number;
  /** Bytes moved (downloads) or produced (decompression), where counted. */
  readonly bytes: number;
  readonly from: number;
  readonly to: number;
}

export interface PhaseReport {
  /** From the recorder's start to the report. */
  readonly seconds: number;
  readonly phases: readonly PhaseFigures[];
  /** Wall time with at least one download under way: the network's share of the build. */
  readonly transferSeconds: number;
  readonly transferBytes: number;
}

interface Span {
  readonly phase: BuildPhase;
  readonly start: number;
  readonly end: number;
  readonly bytes: number;
}

const downloads: ReadonlySet<BuildPhase> = new Set(['download InRelease', 'download index', 'download .deb']);

/** The length of the union of intervals. */
function covered(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let total = 0;
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const span of sorted) {
    if (span.start > to) {
      if (to > from) total += to - from;
      from = span.start;
      to = span.end;
    } else to = Math.max(to, span.end);
  }
  if (to > from) total += to - from;
  return total;
}

/** Records the spans of a build's phases on the monotonic clock; costs a clock read per span. */
export class PhaseRecorder {
  readonly #start = performance.now();
  readonly #spans: Span[] = [];

  /** Runs `work` as a span of `phase`; `bytes` counts what it moved or made. */
  async time<T>(phase: BuildPhase, work: () => Promise<T>, bytes?: (result: T) => number): Promise<T> {
    const start = performance.now();
    const result = await work();
    this.#spans.push({ phase, start, end: performance.now(), bytes: bytes?.(result) ?? 0 });
    return result;
  }

  /** A span measured elsewhere, on `performance.now()`'s clock. */
  record(phase: BuildPhase, start: number, end: number, bytes = 0): void {
    this.#spans.push({ phase, start, end, bytes });
  }

  /** `time` for synchronous work. */
  timeSync<T>(phase: BuildPhase, work: () => T, bytes?: (result: T) => number): T {
    const start = performance.now();
    const result = work();
    this.#spans.push({ phase, start, end: performance.now(), bytes: bytes?.(result) ?? 0 });
    return result;
  }

  report(): PhaseReport {
    const seconds = (ms: number) => Math.round(ms) / 1000;
    const phases: PhaseFigures[] = [];
    for (const phase of buildPhases) {
      const spans = this.#spans.filter((s) => s.phase === phase);
      if (spans.length === 0) continue;
      phases.push({
        phase,
        seconds: seconds(covered(spans)),
        busySeconds: seconds(spans.reduce((sum, s) => sum + s.end - s.start, 0)),
        spans: spans.length,
        bytes: spans.reduce((sum, s) => sum + s.bytes, 0),
        from: seconds(spans.reduce((min, s) => Math.min(min, s.start), Number.POSITIVE_INFINITY) - this.#start),
        to: seconds(spans.reduce((max, s) => Math.max(max, s.end), 0) - this.#start),
      });
    }
    const transfers = this.#spans.filter((s) => downloads.has(s.phase));
    return {
      seconds: seconds(performance.now() - this.#start),
      phases,
      transferSeconds: seconds(covered(transfers)),
      transferBytes: transfers.reduce((sum, s) => sum + s.bytes, 0),
    };
  }
}
