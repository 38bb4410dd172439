import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  bootWorker,
  describe,
  type ErrorCode,
  endWorker,
  isSgciError,
  type Limits,
  SgciError,
} from '../../core/index.ts';
import type { ExpandedDebCache } from './expanded-cache.ts';
import { type Deb, type ExpandedDeb, expandDeb, parseExpandedDeb } from './read-deb.ts';
import type { CloseRequest, ReadRequest } from './read-deb-worker.ts';

/**
 * Below this many bytes of packages a worker's start-up (loading the modules) costs more than it saves, and its
 * memory (about 38 MiB a thread: an isolate with sgci's modules) more than the packages themselves.
 */
const parallelFloorBytes = 8 * 1024 * 1024;

/** How many worker threads to open `count` packages of `bytes` together with: 0 when this thread is better. */
export function threadsFor(count: number, bytes: number): number {
  const threads = Math.min(availableParallelism(), count, 4);
  return threads < 2 || bytes < parallelFloorBytes ? 0 : threads;
}

/** One .deb to read: its path, the name errors give it, and the sha256 its index gave (checked before parsing). */
export interface DebRequest {
  readonly path: string;
  readonly input: string;
  readonly sha256?: string;
}

interface Reply {
  readonly ready?: true;
  readonly expanded?: ExpandedDeb;
  readonly failure?: { readonly code?: ErrorCode; readonly input?: string; readonly message: string };
}

/** Structured clone turns Buffers into Uint8Arrays: the tars become Buffers again, without a copy. */
function revived(expanded: ExpandedDeb): ExpandedDeb {
  const buffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { ...expanded, control: buffer(expanded.control), data: buffer(expanded.data) };
}

async function sizeOf(path: string, input: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new SgciError('IO_ERROR', input, `cannot read: ${describe(error)}`, { cause: error });
  }
}

function failureOf(reply: Reply, input: string): Error {
  const failure = reply.failure;
  if (failure?.code === undefined) return new SgciError('ARCHIVE_INVALID', input, failure?.message ?? 'unreadable');
  const error = new SgciError(failure.code, failure.input ?? input, '');
  error.message = failure.message;
  return error;
}

/**
 * Reads several .debs: each from the expanded cache when it holds the package's sha256, else opened from the .deb
 * (in worker threads when there is enough to decompress and more than one core, else in this thread) and, once
 * parsed, stored in the cache. The result is in the order asked for either way, so nothing downstream depends on
 * which finished first or which came from the cache. A cached entry that does not parse is dropped and the .deb
 * read instead.
 */
export async function readDebs(
  requested: readonly DebRequest[],
  limits: Limits,
  cache?: ExpandedDebCache,
): Promise<Deb[]> {
  return Promise.all(readEachDeb(requested, limits, { cache }));
}

/**
 * Packages the caller opened already (`expandDeb`, each checked against its sha256 as it was), by that sha256:
 * a cold build opens each `.deb` as soon as its download is verified, while the others still download. Each is
 * taken out once read (and stored in the cache), so a platform's tars are not held while the next is built.
 */
export type OpenedDebs = Map<string, Promise<ExpandedDeb>>;

/** How `readEachDeb` finds and keeps its packages besides opening them. */
export interface ReadEachOptions {
  /** The expanded cache: read first, and each package opened here is stored in it. */
  readonly cache?: ExpandedDebCache | undefined;
  readonly opened?: OpenedDebs | undefined;
  /** For a build that reads while it downloads: settles once the .deb with this sha256 is verified at its path. */
  readonly fetched?: ((sha256: string) => Promise<void>) | undefined;
  /**
   * Hears of each package opened from its .deb (not taken from the cache): `true` once its entry is stored in the
   * cache, `false` when the cache could not take it.
   */
  readonly stored?: ((sha256: string, inCache: boolean) => void) | undefined;
}

/**
 * `readDebs` as one promise per package, in the order asked for, each settled as soon as its package is read: a
 * caller that takes them in order unpacks the first while the cache entries of the others are still being hashed.
 * A rejection the caller never reaches (it stopped at an earlier one) is not reported as unhandled.
 */
export function readEachDeb(
  requested: readonly DebRequest[],
  limits: Limits,
  { cache, opened, fetched, stored }: ReadEachOptions = {},
): Promise<Deb>[] {
  // a build that assembles while it downloads has a .deb only once its download is verified
  const arrived = async (p: DebRequest) => {
    if (fetched && p.sha256) await fetched(p.sha256);
  };
  const early = requested.map((p) => {
    const tars = p.sha256 ? opened?.get(p.sha256) : undefined;
    if (p.sha256) opened?.delete(p.sha256);
    return tars;
  });
  const cached = requested.map((p, i) =>
    early[i] === undefined && cache && p.sha256 ? cache.get(p.sha256, limits) : Promise.resolve(undefined),
  );
  // the packages the cache misses are opened together (in workers when that pays), once every lookup is through
  const read = Promise.all(cached).then(async (found) => {
    const missing: number[] = [];
    for (const [i, tars] of found.entries()) if (tars === undefined && early[i] === undefined) missing.push(i);
    const reading = missing.map((i) => requested[i] as DebRequest);
    await Promise.all(reading.map(arrived));
    const expanded = await expandDebs(reading, limits);
    return new Map(missing.map((i, k) => [i, expanded[k] as ExpandedDeb]));
  });
  const debs = requested.map(async (p, i) => {
    const hit = await cached[i];
    let tars = hit ?? (await early[i]) ?? (await read).get(i);
    if (tars === undefined) throw new SgciError('IO_ERROR', p.input, 'not read');
    let fresh = hit === undefined;
    let deb: Deb;
    try {
      deb = await parseExpandedDeb(tars, p.input, limits);
    } catch (error) {
      if (fresh || !cache || !p.sha256) throw error;
      await cache.remove(p.sha256);
      await arrived(p);
      tars = await expandDeb(p.path, p.input, limits, p.sha256);
      fresh = true;
      deb = await parseExpandedDeb(tars, p.input, limits);
    }
    // each package's store on its own: the cache's writers take concurrent stores (atomic files, shared directories)
    if (fresh && cache && p.sha256) {
      const inCache = await storeExpanded(cache, p.sha256, tars);
      stored?.(p.sha256, inCache);
    }
    return deb;
  });
  for (const deb of debs) deb.catch(() => undefined);
  read.catch(() => undefined);
  return debs;
}

/**
 * Stores what was opened, where the cache can be written: a build from a read-only cache (an air-gapped copy, say)
 * needs none of it, so a cache that cannot take the entry costs that build the decompression, not its success.
 */
async function storeExpanded(cache: ExpandedDebCache, sha256: string, tars: ExpandedDeb): Promise<boolean> {
  try {
    await cache.put(sha256, tars);
    return true;
  } catch (error) {
    if (!isSgciError(error, 'CACHE_ERROR') && !isSgciError(error, 'IO_ERROR')) throw error;
    return false;
  }
}

/** Opens each .deb (`expandDeb`), in worker threads when that pays. */
async function expandDebs(requested: readonly DebRequest[], limits: Limits): Promise<ExpandedDeb[]> {
  const packages: { path: string; input: string; sha256?: string; size: number }[] = [];
  for (const p of requested) packages.push({ ...p, size: await sizeOf(p.path, p.input) });
  const threads = threadsFor(
    packages.length,
    packages.reduce((sum, p) => sum + p.size, 0),
  );
  if (threads === 0) {
    const out: ExpandedDeb[] = [];
    for (const p of packages) out.push(await expandDeb(p.path, p.input, limits, p.sha256));
    return out;
  }
  await using workers = new DebWorkers(limits, threads);
  const results: Promise<ExpandedDeb>[] = new Array(packages.length);
  // largest first, so the long ones do not start last
  for (const { p, i } of packages.map((p, i) => ({ p, i })).sort((a, b) => b.p.size - a.p.size))
    results[i] = workers.open(p);
  // awaited here: the threads end when this returns
  return await Promise.all(results);
}

interface Job {
  readonly request: DebRequest;
  /** When a thread took it (`performance.now()`), for `opened`. */
  started?: number;
  readonly resolve: (expanded: ExpandedDeb) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Worker threads (`read-deb-worker.ts`) that open .debs as they are asked for, at most `threads` at once, each
 * started when there is work for it: the xz of one package runs beside this thread's work and the others'. With
 * `threads` 0 they are opened in this thread, one at a time (the xz streams in chunks, so downloads go on).
 */
export class DebWorkers implements AsyncDisposable {
  readonly #limits: Limits;
  readonly #threads: number;
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: Job[] = [];
  readonly #running = new Map<Worker, Job>();
  readonly #opened: ((start: number, end: number, bytes: number) => void) | undefined;
  #openingHere = false;

  /** `opened` hears of each package opened: when a thread took it, when it replied, and the tars' bytes. */
  constructor(
    limits: Limits,
    threads = Math.min(availableParallelism(), 4),
    opened?: (start: number, end: number, bytes: number) => void,
  ) {
    this.#limits = limits;
    this.#threads = Math.max(0, threads);
    this.#opened = opened;
  }

  /** The package's tars, checked against its sha256 (when given) before they are decompressed. */
  open(request: DebRequest): Promise<ExpandedDeb> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#next();
    });
  }

  #next(): void {
    if (this.#threads === 0) {
      void this.#nextHere();
      return;
    }
    while (this.#queue.length > 0 && (this.#idle.length > 0 || this.#workers.length < this.#threads)) {
      const worker = this.#idle.pop() ?? this.#start();
      const job = this.#queue.shift() as Job;
      job.started = performance.now();
      this.#running.set(worker, job);
      const { path, input, sha256 } = job.request;
      const request: ReadRequest = { path, input, limits: this.#limits, ...(sha256 ? { sha256 } : {}) };
      worker.postMessage(request);
    }
  }

  /** The next queued package opened in this thread, when none is being opened. */
  async #nextHere(): Promise<void> {
    if (this.#openingHere) return;
    const job = this.#queue.shift();
    if (job === undefined) return;
    this.#openingHere = true;
    const started = performance.now();
    const { path, input, sha256 } = job.request;
    try {
      const tars = await expandDeb(path, input, this.#limits, sha256);
      this.#opened?.(started, performance.now(), tars.control.length + tars.data.length);
      job.resolve(tars);
    } catch (error) {
      job.reject(error);
    }
    this.#openingHere = false;
    await this.#nextHere();
  }

  #start(): Worker {
    // booted with V8's defaults: under sgci's flags the thread would compile Node's built-ins and every function
    // of the modules it loads, ~0.1 s of a core each
    const { worker } = bootWorker(() => new Worker(new URL('./read-deb-worker.ts', import.meta.url)));
    this.#workers.push(worker);
    worker.on('message', (reply: Reply) => {
      if (reply.ready) return;
      const job = this.#running.get(worker);
      this.#running.delete(worker);
      this.#idle.push(worker);
      if (reply.expanded === undefined) job?.reject(failureOf(reply, job.request.input));
      else {
        const tars = revived(reply.expanded);
        this.#opened?.(job?.started ?? 0, performance.now(), tars.control.length + tars.data.length);
        job?.resolve(tars);
      }
      this.#next();
    });
    // a thread that died fails its package; its place goes to a new one, so what is queued still runs
    worker.on('error', (error) => {
      this.#running.get(worker)?.reject(error);
      this.#running.delete(worker);
      this.#workers.splice(this.#workers.indexOf(worker), 1);
      this.#next();
    });
    return worker;
  }

  /** Ends the threads; what is still queued or running fails. */
  async [Symbol.asyncDispose](): Promise<void> {
    for (const job of this.#queue.splice(0)) job.reject(new SgciError('IO_ERROR', job.request.input, 'not opened'));
    for (const job of this.#running.values()) job.reject(new SgciError('IO_ERROR', job.request.input, 'not opened'));
    this.#running.clear();
    await Promise.all(this.#workers.map((w) => endWorker(w, { close: true } satisfies CloseRequest)));
  }
}
