import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { type Digest, defaultLimits, describe, parseDigest, SgciError } from '../core/index.ts';
import { buildPlatforms, parseBuildConfig, withEpoch } from './config.ts';
import { type ArrivingDeb, DebArrivals } from './deb/arrivals.ts';
import { ExpandedDebCache } from './deb/expanded-cache.ts';
import { DebWorkers, threadsFor } from './deb/read-debs.ts';
import type { ExtraSource } from './extra/extra-sources.ts';
import { type AssembledImage, assembleImage, debRequestOf, type PlatformPackages } from './image/assemble.ts';
import { explainLayoutDifference } from './image/compare.ts';
import { lowerThreadPriority } from './thread-priority.ts';

const run = promisify(execFile);

/** The host settings a build run had: what the reproducibility proof varies between its two runs. */
export interface BuildEnvironment {
  readonly tz: string;
  /** Octal, as `umask` prints it. */
  readonly umask: string;
  /** LC_ALL (or LANG when LC_ALL is unset). */
  readonly locale: string;
  readonly tmpdir: string;
}

/** Issue 16, item 7: the build ran twice under different host settings and both runs named one digest. */
export interface ReproducibilityProof {
  readonly digests: readonly [Digest, Digest];
  readonly environments: readonly [BuildEnvironment, BuildEnvironment];
  /**
   * Wall time of the second run from being handed its packages to its digest (its process starts with the build,
   * so Node's start-up and the modules' loading overlap resolution and downloads).
   */
  readonly secondRunMs: number;
  /** Peak resident memory of the second run's process, MiB (the two processes run at the same time). */
  readonly secondRunPeakRssMiB: number;
}

/** The settings of this process: the first run's. */
export function currentEnvironment(): BuildEnvironment {
  return {
    tz: process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone,
    umask: process.umask().toString(8).padStart(3, '0'),
    locale: process.env.LC_ALL || process.env.LANG || 'C',
    tmpdir: tmpdir(),
  };
}

/** The first candidate that differs from `current`: odd UTC offsets, a umask that keeps all, a locale with dotless i. */
function other(current: string, candidates: readonly [string, string]): string {
  return current === candidates[0] ? candidates[1] : candidates[0];
}

/** The second run's settings: each differs from the first's. */
export function secondEnvironment(first: BuildEnvironment, dir: string): BuildEnvironment {
  return {
    tz: other(first.tz, ['Pacific/Chatham', 'America/St_Johns']),
    umask: other(first.umask, ['077', '002']),
    locale: other(first.locale, ['tr_TR.UTF-8', 'de_DE.UTF-8']),
    tmpdir: dir,
  };
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * The second run's input, one JSON line each: `start` once the first run has resolved (the packages and where each
 * .deb will be), for each package either `arrived` (its .deb is verified: open it) or, for those the first run opens
 * from their .debs itself, `expanded` (read what it opened from the expanded cache), `extras` once the extra files are
 * there, then the end of stdin.
 */
const ReproduceMessage = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('start'),
    /** The build file's text as the first run parsed it (never read again: the file may have changed since). */
    yaml: z.string(),
    file: z.string(),
    inputs: z.array(
      z.strictObject({
        platform: z.enum(buildPlatforms),
        packages: z.array(
          z.strictObject({
            name: z.string(),
            version: z.string(),
            arch: z.string(),
            source: z.string(),
            debPath: z.string(),
            sha256,
          }),
        ),
      }),
    ),
    /** The epoch the first run used (the build file's, or the lock's newest InRelease Date). */
    epoch: z.number().int().min(0),
    /** The bytes of the .debs this run opens itself: whether opening them on worker threads pays (`threadsFor`). */
    debBytes: z.number().int().min(0),
    /** The expanded cache the first run stores what it opens in. */
    expandedCache: z.string(),
    /**
     * The packages the first run opens from their verified .debs in this build (its expanded cache held none of
     * them): each comes as `expanded`, never as `arrived`.
     */
    fromFirst: z.array(sha256),
    layout: z.string(),
    umask: z.string().regex(/^[0-7]{3,4}$/),
  }),
  z.strictObject({ kind: z.literal('arrived'), sha256 }),
  /** `inCache`: the first run stored what it opened; else the .deb, verified at its path, is opened here. */
  z.strictObject({ kind: z.literal('expanded'), sha256, inCache: z.boolean() }),
  z.strictObject({
    kind: z.literal('extras'),
    /** Where the first run found each extra file: the second reads the same bytes (a directory packed once). */
    extraSources: z.array(
      z.strictObject({ index: z.number().int().min(0), file: z.string(), sha256, uri: z.string() }),
    ),
  }),
]);
type ReproduceMessage = z.infer<typeof ReproduceMessage>;
type ReproduceStart = Extract<ReproduceMessage, { kind: 'start' }>;

/** The second run's input is a list of packages and paths: far below this. */
const maxInputBytes = 16 * 1024 * 1024;

/** Each line of `stream` as it comes, the whole bounded by `maxInputBytes`. */
async function* lines(stream: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let size = 0;
  let rest = '';
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxInputBytes)
      throw new SgciError('LIMIT_EXCEEDED', 'stdin', `second-run input larger than ${maxInputBytes} bytes`);
    const parts = (rest + decoder.write(chunk)).split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}

function parseMessage(line: string): ReproduceMessage {
  try {
    return ReproduceMessage.parse(JSON.parse(line));
  } catch (error) {
    throw new SgciError('USAGE', 'stdin', `not a second-run input of sgci build: ${describe(error)}`, {
      cause: error,
    });
  }
}

/** What the second run prints for the first: its digest and its peak memory. */
const SecondRunResult = z.strictObject({
  digest: z.string(),
  peakRssMiB: z.number().min(0),
});

/**
 * The second run once started: its packages, opened as they arrive or taken as the first run opened them, and its
 * assembly once the extras are there.
 */
class SecondAssembly implements AsyncDisposable {
  readonly #start: ReproduceStart;
  readonly #workers: DebWorkers;
  readonly #arrivals: DebArrivals;
  readonly #requests = new Map<string, ArrivingDeb>();
  readonly #fromFirst: ReadonlySet<string>;
  /** Where the first run stores what it opens from the .debs (`expanded`). */
  readonly #expandedCache: ExpandedDebCache;
  #assembling: Promise<AssembledImage> | undefined;

  constructor(start: ReproduceStart) {
    this.#start = start;
    for (const input of start.inputs) for (const p of input.packages) this.#requests.set(p.sha256, debRequestOf(p));
    this.#fromFirst = new Set(start.fromFirst);
    this.#expandedCache = new ExpandedDebCache(start.expandedCache);
    const own = [...this.#requests.keys()].filter((sha256) => !this.#fromFirst.has(sha256));
    this.#workers = new DebWorkers(defaultLimits, threadsFor(own.length, start.debBytes));
    this.#arrivals = new DebArrivals(this.#requests.keys(), [...this.#requests.values()], this.#workers);
  }

  /**
   * A package the first run took from its expanded cache: its .deb is opened here, so the proof also checks what
   * that cache gave the first run.
   */
  arrived(sha256: string): void {
    this.#arrivals.arrived(sha256);
  }

  /**
   * A package the first run opened from its verified .deb in this very build: what it opened is taken from the cache
   * it was stored in (checked against the entry's own sha256 as any read is), not decompressed a second time.
   * Nothing of it can differ with the host's settings: the xz of a .deb's data has a check of its own over the
   * output, and everything that follows from it (tree, tar, gzip, layout) is still done here.
   */
  expanded(sha256: string, inCache: boolean): void {
    const request = this.#requests.get(sha256);
    if (request === undefined || !this.#fromFirst.has(sha256))
      throw new SgciError('USAGE', 'stdin', `sha256:${sha256} is not a package the first run opens`);
    const open = () => this.#workers.open(request);
    const tars = inCache ? this.#expandedCache.get(sha256, defaultLimits).then((found) => found ?? open()) : open();
    this.#arrivals.handedOver(sha256, tars);
  }

  assemble(extraSources: ExtraSource[]): void {
    if (this.#assembling) throw new SgciError('USAGE', 'stdin', 'the extra files were handed over twice');
    const start = this.#start;
    const config = withEpoch(parseBuildConfig(start.yaml, start.file), start.epoch);
    this.#assembling = assembleImage(config, start.inputs, {
      layout: start.layout,
      baseDir: dirname(start.file),
      extraSources,
      opened: this.#arrivals.opened,
      fetched: (sha256) => this.#arrivals.fetched(sha256),
    });
    this.#assembling.catch(() => undefined); // awaited by `built`, unless the input failed first
  }

  /** The input has ended: what has not arrived never will. */
  async built(): Promise<AssembledImage> {
    this.#arrivals.ended(
      (sha256) => new SgciError('USAGE', 'stdin', `the first run ended before handing over the .deb sha256:${sha256}`),
    );
    if (!this.#assembling) throw new SgciError('USAGE', 'stdin', 'the first run ended before handing over the extras');
    return this.#assembling;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#workers[Symbol.asyncDispose]();
  }
}

/**
 * The second run's side (`sgci build reproduce`, hidden): started with the build, it waits for its input on stdin,
 * opens each .deb as the first run says it has arrived, assembles the packages into another layout once the extra
 * files are there too, and prints its digest and peak memory as one JSON line. Node's spawn cannot set a child's
 * umask and a shell may be missing (sgci's own image has none), so the child sets its own before anything is
 * written. Each package the first run took from the expanded cache is opened here from its .deb, checked against
 * its sha256 again; each it opened from its .deb in this build is taken as it stored it.
 */
export async function assembleAgain(stdin: AsyncIterable<Buffer>): Promise<string> {
  // the first run's downloads and its own assembly, whose image the scan and gate wait for, come first; the threads
  // this one starts inherit it
  lowerThreadPriority(5);
  let second: SecondAssembly | undefined;
  try {
    for await (const line of lines(stdin)) {
      if (line.trim() === '') continue;
      const message = parseMessage(line);
      if (message.kind === 'start') {
        if (second) throw new SgciError('USAGE', 'stdin', 'the second run was started twice');
        process.umask(Number.parseInt(message.umask, 8));
        second = new SecondAssembly(message);
      } else if (!second) throw new SgciError('USAGE', 'stdin', `${message.kind} before start`);
      else if (message.kind === 'arrived') second.arrived(message.sha256);
      else if (message.kind === 'expanded') second.expanded(message.sha256, message.inCache);
      else second.assemble(message.extraSources);
    }
    if (!second) throw new SgciError('USAGE', 'stdin', 'the first run ended before starting the second');
    const built = await second.built();
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    return JSON.stringify({ digest: built.digest, peakRssMiB } satisfies z.infer<typeof SecondRunResult>);
  } finally {
    await second?.[Symbol.asyncDispose]();
  }
}

/** The sgci entry this module belongs to, run by the same Node binary: the second run is the same program. */
const sgciEntry = fileURLToPath(new URL('../../bin/sgci.js', import.meta.url));

/**
 * Bounds the second run's assembly (from its input on) like the first has none: a build larger than this is not one
 * the proof should hold up. While it waits for its input, the first process's own bounds hold, and its end ends it.
 */
const secondRunTimeoutMs = 15 * 60_000;

export interface SecondRun {
  readonly layout: string;
  readonly environment: BuildEnvironment;
  /**
   * Hands the waiting child the resolved build: from here on it opens each .deb `arrived` names and takes each
   * package `expanded` names from the expanded cache. `fromFirst`: the packages the first run opens from their .debs
   * (each then comes as `expanded`); `debBytes`: the bytes of the others.
   */
  readonly start: (
    file: string,
    yaml: string,
    built: {
      readonly inputs: readonly PlatformPackages[];
      readonly epoch: number;
      readonly debBytes: number;
      readonly expandedCache: string;
      readonly fromFirst: readonly string[];
    },
  ) => void;
  /** The .deb with this sha256 is verified in the cache. */
  readonly arrived: (sha256: string) => void;
  /** The first run opened the package with this sha256 from its .deb; `inCache`: and stored what it opened. */
  readonly expanded: (sha256: string, inCache: boolean) => void;
  /** Where the extra files are: the child assembles once it has them. */
  readonly extras: (extraSources: readonly ExtraSource[]) => void;
  /** Everything is handed over. */
  readonly end: () => void;
  /** Its digest and peak memory, once handed its input; rejects when it fails. */
  readonly result: Promise<{ digest: Digest; peakRssMiB: number; ms: number }>;
  /** Stops the child and removes its temp dir (the first run failed: there is nothing to compare). */
  readonly abort: () => Promise<void>;
}

/**
 * Starts the second run's process under `secondEnvironment`, with its own temp dir and layout, at the start of the
 * build: it loads its modules while the first run resolves and downloads, then waits for `assemble`. A build that
 * fails before must `abort` it; should the first process die, the child reads the end of stdin and exits.
 */
export async function spawnSecondRun(first: BuildEnvironment): Promise<SecondRun> {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-build-again-'));
  const environment = secondEnvironment(first, dir);
  const layout = join(dir, 'oci');
  const controller = new AbortController();
  const running = run(process.execPath, [sgciEntry, 'build', 'reproduce'], {
    env: {
      ...process.env,
      TZ: environment.tz,
      LANG: environment.locale,
      LC_ALL: environment.locale,
      TMPDIR: dir,
    },
    signal: controller.signal,
    maxBuffer: 64 * 1024,
  });
  const stdin = running.child.stdin;
  // a child that died early closes its stdin: what it printed is the error the caller sees, not EPIPE
  stdin?.on('error', () => undefined);
  let handedAt = 0;
  let file = 'sgci build';
  let timer: NodeJS.Timeout | undefined;
  const result = running.then(
    ({ stdout }) => {
      clearTimeout(timer);
      let printed: z.infer<typeof SecondRunResult>;
      try {
        printed = SecondRunResult.parse(JSON.parse(stdout));
      } catch (error) {
        throw new SgciError('BUILD_REFUSED', file, `the second build printed no result: ${describe(error)}`, {
          cause: error,
        });
      }
      const digest = parseDigest(printed.digest, 'the second build');
      return { digest, peakRssMiB: printed.peakRssMiB, ms: Math.round(performance.now() - handedAt) };
    },
    (error: { stderr?: string }) => {
      clearTimeout(timer);
      const why =
        controller.signal.reason instanceof SgciError
          ? controller.signal.reason.message
          : error.stderr?.trim().split('\n').at(-1) || describe(error);
      throw new SgciError('BUILD_REFUSED', file, `the second build (the reproducibility proof) failed: ${why}`, {
        cause: error,
      });
    },
  );
  // an aborted run's rejection is expected; the caller awaits `result` only when the first run succeeded
  result.catch(() => undefined);
  const send = (message: ReproduceMessage) => stdin?.write(`${JSON.stringify(message)}\n`);
  const start: SecondRun['start'] = (buildFile, yaml, built) => {
    file = buildFile;
    handedAt = performance.now();
    timer = setTimeout(
      () =>
        controller.abort(
          new SgciError('LIMIT_EXCEEDED', buildFile, `no digest after ${secondRunTimeoutMs / 60_000} min`),
        ),
      secondRunTimeoutMs,
    );
    send({
      kind: 'start',
      yaml,
      file: buildFile,
      inputs: built.inputs.map((i) => ({ platform: i.platform, packages: [...i.packages] })),
      epoch: built.epoch,
      debBytes: built.debBytes,
      expandedCache: built.expandedCache,
      fromFirst: [...built.fromFirst],
      layout,
      umask: environment.umask,
    });
  };
  const arrived = (sha256: string) => send({ kind: 'arrived', sha256 });
  const expanded = (sha256: string, inCache: boolean) => send({ kind: 'expanded', sha256, inCache });
  const extras = (extraSources: readonly ExtraSource[]) => send({ kind: 'extras', extraSources: [...extraSources] });
  const end = () => stdin?.end();
  const abort = async () => {
    clearTimeout(timer);
    controller.abort();
    await result.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  return { layout, environment, start, arrived, expanded, extras, end, result, abort };
}

function describeEnvironment(e: BuildEnvironment): string {
  return `TZ=${e.tz} umask ${e.umask} LC_ALL=${e.locale} temp dir ${e.tmpdir}`;
}

/**
 * Compares the two runs: equal digests are the proof; different ones fail with `explainLayoutDifference`'s lines,
 * one per file and field, and the second layout is kept to look at. An equal second layout is removed.
 */
export async function proveReproducible(
  file: string,
  first: { readonly image: AssembledImage; readonly environment: BuildEnvironment },
  second: SecondRun,
): Promise<ReproducibilityProof> {
  const { digest, peakRssMiB, ms } = await second.result;
  if (digest !== first.image.digest) {
    const lines = await explainLayoutDifference(first.image.layout, second.layout);
    throw new SgciError(
      'BUILD_REFUSED',
      file,
      `not reproducible: the first build (${describeEnvironment(first.environment)}) gave ${first.image.digest}, ` +
        `the second (${describeEnvironment(second.environment)}) ${digest}; the second layout is kept at ` +
        `${second.layout}:\n${lines.join('\n')}`,
    );
  }
  await rm(second.environment.tmpdir, { recursive: true, force: true });
  return {
    digests: [first.image.digest, digest],
    environments: [first.environment, second.environment],
    secondRunMs: ms,
    secondRunPeakRssMiB: peakRssMiB,
  };
}
