/**
 * Timing and peak RSS of child processes for the benchmarks. Every figure comes from a separate
 * process under GNU time, so sgci, its peer and the floor are measured alike and Node's own memory
 * never counts against a floor.
 */
import { spawn, spawnSync } from 'node:child_process';

/** One run of a child process under `/usr/bin/time`. */
export interface TimedRun {
  /** Wall clock of the whole child by this process's clock (sub-millisecond). */
  readonly wallSeconds: number;
  /** Wall clock as GNU time reports it (%e, 10 ms resolution). */
  readonly elapsedSeconds: number;
  /** User plus system CPU time of the child (%U + %S). */
  readonly cpuSeconds: number;
  /** Peak resident set size of the child (%M). */
  readonly rssMiB: number;
  readonly status: number | null;
  readonly stdout: string;
  /** The child's own stderr, without GNU time's line. */
  readonly stderr: string;
}

export function runTimed(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; stdout?: 'pipe' | 'ignore' } = {},
): TimedRun {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', command, ...args], {
    encoding: 'utf8',
    env: options.env ?? process.env,
    maxBuffer: 1 << 28,
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  });
  return timedRun(r.status, r.stdout ?? '', r.stderr ?? '', Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * As `runTimed`, without blocking this process: a server it runs (a loopback mirror, say) keeps answering. `nice`
 * runs the command at that niceness (all its threads), so that the server gets a core when it needs one: a remote
 * mirror's CPU is not the measured command's, and a starved server would slow the line it models.
 */
export function runTimedAsync(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; nice?: number } = {},
): Promise<TimedRun> {
  const started = process.hrtime.bigint();
  const timed = ['/usr/bin/time', '-f', '%e %U %S %M', command, ...args];
  const [program = '', ...rest] = options.nice === undefined ? timed : ['nice', '-n', String(options.nice), ...timed];
  const child = spawn(program, rest, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) =>
      resolve(
        timedRun(
          status,
          Buffer.concat(out).toString('utf8'),
          Buffer.concat(err).toString('utf8'),
          Number(process.hrtime.bigint() - started) / 1e9,
        ),
      ),
    );
  });
}

function timedRun(status: number | null, stdout: string, stderr: string, wallSeconds: number): TimedRun {
  // GNU time writes its line last, after everything the child wrote to stderr
  const lines = stderr.trimEnd().split('\n');
  const [elapsed = 'NaN', user = 'NaN', system = 'NaN', kib = 'NaN'] = (lines.pop() ?? '').split(' ');
  return {
    wallSeconds,
    elapsedSeconds: Number(elapsed),
    cpuSeconds: Number(user) + Number(system),
    rssMiB: Number(kib) / 1024,
    status,
    stdout,
    stderr: lines.join('\n'),
  };
}

/** A successful run: wall seconds, peak RSS, and the seconds an sgci child reported for its own work. */
export interface Measure {
  /** Wall clock of the whole child process. */
  readonly seconds: number;
  readonly rssMiB: number;
  /** What the child printed as its own work time, without start-up (sgci children only). */
  readonly workSeconds?: number;
}

/**
 * The child's half of `timed`: starts the clock once the modules are loaded; the function it returns
 * prints the seconds since, alone on stdout, so the parent can tell the work from Node's start-up.
 */
export function workClock(): () => void {
  const started = process.hrtime.bigint();
  return () => {
    process.stdout.write(`${Number(process.hrtime.bigint() - started) / 1e9}\n`);
  };
}

/** Runs a command under GNU time; throws when it fails. A number alone on stdout is its work time. */
export function timed(command: string, args: readonly string[]): Measure {
  const run = runTimed(command, args);
  if (run.status !== 0) throw new Error(`${command} failed: ${run.stderr}`);
  const work = Number(run.stdout.trim());
  return {
    seconds: run.wallSeconds,
    rssMiB: run.rssMiB,
    ...(run.stdout.trim() && Number.isFinite(work) ? { workSeconds: work } : {}),
  };
}

/** Steps run one after the other: their times add up, the peak RSS is the largest. */
export function sum(...measures: Measure[]): Measure {
  return {
    seconds: measures.reduce((s, m) => s + m.seconds, 0),
    rssMiB: Math.max(...measures.map((m) => m.rssMiB)),
  };
}

/**
 * The fastest of `runs` runs (by work time where the child reports it): on a shared machine the
 * minimum is the figure least disturbed by other load. Its RSS is the largest of the runs that
 * were the fastest so far.
 */
export function best(runs: number, measure: () => Measure): Measure {
  let result: Measure | undefined;
  for (let i = 0; i < runs; i++) {
    const m = measure();
    const key = (x: Measure) => x.workSeconds ?? x.seconds;
    if (!result || key(m) < key(result)) result = { ...m, rssMiB: Math.max(m.rssMiB, result?.rssMiB ?? 0) };
  }
  return result as Measure;
}

/**
 * The fastest of several runs of one child process (on a shared machine the minimum is the figure least
 * disturbed by other load), with the largest peak RSS seen in any of them: the conservative figure for a
 * memory target.
 */
export function fastestRun<T extends { readonly seconds: number; readonly rssMb: number }>(runs: readonly T[]): T {
  const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { ...fastest, rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}
