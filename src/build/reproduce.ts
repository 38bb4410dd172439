import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { type Digest, describe, parseDigest, SgciError } from '../core/index.ts';
import { buildPlatforms, parseBuildConfig, withEpoch } from './config.ts';
import type { ExtraSource } from './extra/extra-sources.ts';
import { type AssembledImage, assembleImage, type PlatformPackages } from './image/assemble.ts';
import { explainLayoutDifference } from './image/compare.ts';

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
  /** Wall time of the second run (a child process, started beside the first). */
  readonly secondRunMs: number;
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

const ReproduceInput = z.strictObject({
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
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
        }),
      ),
    }),
  ),
  /** The epoch the first run used (the build file's, or the lock's newest InRelease Date). */
  epoch: z.number().int().min(0),
  /** Where the first run found each extra file: the second reads the same bytes (a directory packed once). */
  extraSources: z.array(
    z.strictObject({
      index: z.number().int().min(0),
      file: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      uri: z.string(),
    }),
  ),
  layout: z.string(),
  umask: z.string().regex(/^[0-7]{3,4}$/),
});
type ReproduceInput = z.infer<typeof ReproduceInput>;

/**
 * The second run's side (`sgci build reproduce INPUT`, hidden): assemble the same packages into another layout.
 * Node's spawn cannot set a child's umask and a shell may be missing (sgci's own image has none), so the child
 * sets its own before anything is written. Each .deb is read and checked against its sha256 again, never taken from
 * the expanded cache the first run used: the proof thereby also checks what that cache gave the first run.
 */
export async function assembleAgain(inputFile: string): Promise<Digest> {
  let input: ReproduceInput;
  try {
    input = ReproduceInput.parse(JSON.parse(await readFile(inputFile, 'utf8')));
  } catch (error) {
    throw new SgciError('USAGE', inputFile, `not a second-run input of sgci build: ${describe(error)}`, {
      cause: error,
    });
  }
  process.umask(Number.parseInt(input.umask, 8));
  const config = withEpoch(parseBuildConfig(input.yaml, input.file), input.epoch);
  const built = await assembleImage(config, input.inputs, {
    layout: input.layout,
    baseDir: dirname(input.file),
    extraSources: input.extraSources,
  });
  return built.digest;
}

/** The sgci entry this module belongs to, run by the same Node binary: the second run is the same program. */
const sgciEntry = fileURLToPath(new URL('../../bin/sgci.js', import.meta.url));

/** Bounds the second run like the first has none: a build larger than this is not one the proof should hold up. */
const secondRunTimeoutMs = 15 * 60_000;

export interface SecondRun {
  readonly layout: string;
  readonly environment: BuildEnvironment;
  readonly digest: Promise<Digest>;
  /** Stops the child and removes its temp dir (the first run failed: there is nothing to compare). */
  readonly abort: () => Promise<void>;
  readonly startedAt: number;
}

/** Starts the second run in a child process under `secondEnvironment`, with its own temp dir and layout. */
export async function startSecondRun(
  file: string,
  yaml: string,
  built: {
    readonly inputs: readonly PlatformPackages[];
    readonly epoch: number;
    readonly extraSources: readonly ExtraSource[];
  },
  first: BuildEnvironment,
): Promise<SecondRun> {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-build-again-'));
  const environment = secondEnvironment(first, dir);
  const layout = join(dir, 'oci');
  const inputFile = join(dir, 'input.json');
  const input: ReproduceInput = {
    yaml,
    file,
    inputs: built.inputs.map((i) => ({ platform: i.platform, packages: [...i.packages] })),
    epoch: built.epoch,
    extraSources: [...built.extraSources],
    layout,
    umask: environment.umask,
  };
  await writeFile(inputFile, JSON.stringify(input), { mode: 0o600 });
  const controller = new AbortController();
  const startedAt = performance.now();
  const digest = run(process.execPath, [sgciEntry, 'build', 'reproduce', inputFile], {
    env: {
      ...process.env,
      TZ: environment.tz,
      LANG: environment.locale,
      LC_ALL: environment.locale,
      TMPDIR: dir,
    },
    signal: controller.signal,
    timeout: secondRunTimeoutMs,
    maxBuffer: 64 * 1024,
  }).then(
    ({ stdout }) => parseDigest(stdout.trim(), 'the second build'),
    (error: { stderr?: string }) => {
      const why = error.stderr?.trim().split('\n').at(-1) || describe(error);
      throw new SgciError('BUILD_REFUSED', file, `the second build (the reproducibility proof) failed: ${why}`, {
        cause: error,
      });
    },
  );
  // an aborted run's rejection is expected; the caller awaits `digest` only when the first run succeeded
  digest.catch(() => undefined);
  const abort = async () => {
    controller.abort();
    await digest.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  return { layout, environment, digest, abort, startedAt };
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
  const digest = await second.digest;
  const secondRunMs = Math.round(performance.now() - second.startedAt);
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
    secondRunMs,
  };
}
