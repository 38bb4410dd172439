import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/**
 * The V8 flags sgci runs with (`bin/sgci.js` sets them once Node's own built-ins are loaded), each with V8's
 * default beside it.
 * - The young generation keeps its starting size: V8 doubles it (up to two 16 MiB semi-spaces) whenever many
 *   objects survive a scavenge, which a layer pass's one record per file makes them do; on a 2 GB image that was
 *   ~100 MiB of peak RSS for no CPU saved (issue 17, docs/filesystem.md).
 * - The old generation grows to 25 % more than what survived the last full collection, not a multiple of it:
 *   under load (concurrent marking starved of a core) V8 gets there, and a pass's records all survive, so that
 *   room is peak RSS, for a few more full collections (issue 17).
 * - Every function of a module is compiled when the module is, not when first called: Node's compile cache keeps
 *   what was compiled when a module first loaded, which lazily is only its top level, so every function a run
 *   calls was compiled again on every run (~400 for `sgci sbom`). Eagerly the cache holds them all: 5-13 ms less
 *   main-thread CPU on `sbom` of a small image, 1-3 MiB more peak RSS (issue 17).
 * V8 reads the first two at each growth, so setting them at run time works.
 */
const defaults = ['--semi-space-growth-factor=2', '--heap-growing-percent=0', '--lazy'];

/**
 * What a command's flags are for. `build` (every `sgci build …`, and the proof's second run) keeps V8's old-generation
 * growth: a build holds its packages' tars, trees and layers for seconds, and growing by 25 % of what survived ran
 * some thirty full collections a build (a cold two-platform build: 9.2-9.6 -> 8.7-9.1 s of user CPU, peak RSS
 * within 30 MiB, issue 16). `scan` is every other command: the layer pass's budgets of issue 17.
 */
export type FlagProfile = 'scan' | 'build';

const profiles: Readonly<Record<FlagProfile, readonly string[]>> = {
  scan: ['--semi-space-growth-factor=1', '--heap-growing-percent=25', '--no-lazy'],
  build: ['--semi-space-growth-factor=1', '--heap-growing-percent=0', '--no-lazy'],
};

let tuned = profiles.scan;

let isTuned = false;
/** Who needs V8's defaults now (booting workers, a `loadBuiltins`): sgci's flags return when none does. */
let defaultsHeld = 0;

function set(flags: readonly string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}

function holdDefaults(): void {
  if (defaultsHeld++ === 0) set(defaults);
}

function releaseDefaults(): void {
  if (--defaultsHeld === 0) set(tuned);
}

/**
 * Sets sgci's flags for the rest of the process (`bin/sgci.js`, which chooses the profile by the command). A
 * profile's flags are a code-cache hash of their own: `bin/sgci.js` keeps each profile's compile cache apart, so
 * that `build` and the other commands do not rewrite each other's entries.
 */
export function tuneV8(profile: FlagProfile = 'scan'): void {
  tuned = profiles[profile];
  set(tuned);
  isTuned = true;
}

/**
 * Loads Node's built-in modules `names` (`node:http` …) under V8's default flags, so that they come from the code
 * cache inside the Node binary: loaded under sgci's flags, each would be parsed and compiled from source on every
 * run (the registry client's HTTP, TLS, HTTP/2, DNS and assert are 31 modules, ~30 ms of a `monitor run`; issue 15).
 * `bin/sgci.js` loads what every command needs before it sets the flags; this is for what only some load, at the
 * point of use. Synchronous, so nothing else compiles while the defaults hold.
 */
export function loadBuiltins(names: readonly string[]): void {
  if (isTuned) holdDefaults();
  try {
    for (const name of names) process.getBuiltinModule(name);
  } finally {
    if (isTuned) releaseDefaults();
  }
}

/** A worker `bootWorker` started. */
export interface BootingWorker {
  readonly worker: Worker;
  /**
   * Settles when V8's defaults no longer hold for this worker's boot (its first message, error or exit);
   * undefined where sgci's flags are not set, so there is no boot to wait for.
   */
  readonly booted: Promise<void> | undefined;
}

/**
 * Starts a worker thread (`start` makes it) with V8's default flags, from `start` until the worker's first message
 * (it posts one once it has loaded the built-ins it uses), its error or its exit. A flag that differs from its
 * default changes the hash V8 checks code caches against, and Node's built-ins are cached with the defaults inside
 * the Node binary: a worker booted under sgci's flags parses and compiles each of them anew, ~80 ms of a core
 * instead of ~30 (issue 17). The main thread runs on meanwhile; only the heap's growth follows V8's defaults for
 * those milliseconds, since every function of sgci's loaded modules is compiled already.
 */
export function bootWorker(start: () => Worker): BootingWorker {
  if (!isTuned) return { worker: start(), booted: undefined };
  holdDefaults();
  const { promise, resolve } = Promise.withResolvers<void>();
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    releaseDefaults();
    resolve();
  };
  let worker: Worker;
  try {
    worker = start();
  } catch (error) {
    end();
    throw error;
  }
  worker.once('message', end);
  worker.once('error', end);
  worker.once('exit', end);
  return { worker, booted: promise };
}
