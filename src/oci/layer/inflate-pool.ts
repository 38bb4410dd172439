import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { bootWorker, endWorker } from '../../core/index.ts';
import { decompressorOf } from './compression.ts';
import { syncInflater } from './decompress.ts';
import { type FromInflateWorker, inflateWorkerSource, type ToInflateWorker } from './inflate-worker.ts';

/**
 * Decompressed bytes held ahead of the pass over all layers in flight: each layer being inflated may
 * run this much divided by the workers ahead of the layer the pass is reading, then waits.
 */
export const readAheadBytes = 4 * 1024 * 1024;
/** Workers at most, whatever the cores: each costs ~15 MiB besides its read-ahead. */
export const maxLayerWorkers = 8;
/** Compressed pieces queued at a worker: enough that it never waits for the next read. */
const queuedInputs = 4;
/**
 * Size of the buffers compressed bytes travel to a worker in (larger chunks go as several), and of the
 * buffers decompressed bytes come back in. Each message costs a wake-up of the other thread: at 64 KiB
 * in and 256 KiB out, posting took a fifth of the pass's thread on the polyglot image.
 */
const inputPieceBytes = 256 * 1024;
const outputChunkBytes = 1024 * 1024;

/**
 * How many worker threads inflate layers: `SGCI_JOBS` when set (0 = none, the calling thread does
 * everything), else one per core the process may use beside the pass's own (none on one core), at
 * most `maxLayerWorkers`. A pass with sinks (the scan: every byte of every packaged file hashed on its
 * own worker) defaults to none: each worker costs ~20 MiB (an isolate, its zlib state, its read-ahead),
 * which the scan of a large image does not have to spare below 200 MiB.
 */
export function layerJobs(env: NodeJS.ProcessEnv = process.env, withSinks = false): number {
  const forced = env.SGCI_JOBS === undefined || env.SGCI_JOBS === '' ? Number.NaN : Number(env.SGCI_JOBS);
  if (Number.isInteger(forced) && forced >= 0) return Math.min(forced, maxLayerWorkers);
  return withSinks ? 0 : Math.min(availableParallelism() - 1, maxLayerWorkers);
}

/**
 * Worker threads that decompress layers and hash their diffIDs beside the pass, each one layer at a
 * time; started as layers ask for them, ended by `close`.
 */
export class InflatePool {
  readonly #size: number;
  #idle: Worker[] = [];
  readonly #dead = new WeakSet<Worker>();
  #all: Worker[] = [];
  readonly #waiting: ((worker: Worker) => void)[] = [];
  #jobs = 0;
  #closed = false;

  /** A pool of `size` workers, or undefined where this Node cannot drive zlib synchronously. */
  static create(size: number): InflatePool | undefined {
    const probe = syncInflater(zlib, 'gzip', 1024, decompressorOf);
    if (probe === undefined) return undefined;
    probe.close();
    return new InflatePool(size);
  }

  private constructor(size: number) {
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Inflates `source` (compressed chunks, read as the worker needs them) on a worker: the output as
   * chunks valid until the next is asked for, then the hex digest of all of it under `algorithm`.
   */
  inflate(
    source: AsyncIterable<Uint8Array>,
    compression: 'gzip' | 'zstd',
    algorithm: string | undefined,
    counted: () => number,
  ): WorkerInflation {
    const job = ++this.#jobs;
    const buffers = Math.max(2, Math.floor(readAheadBytes / this.#size / outputChunkBytes));
    return new WorkerInflation(this.#acquire(), (worker) => this.#release(worker), source, counted, {
      kind: 'start',
      job,
      compression,
      algorithm,
      chunkBytes: outputChunkBytes,
      buffers,
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#all.map((worker) => endWorker(worker, { kind: 'close' } satisfies ToInflateWorker)));
  }

  #acquire(): Promise<Worker> {
    const idle = this.#idle.pop();
    if (idle !== undefined) return Promise.resolve(idle);
    if (this.#all.length < this.#size) {
      // worker_threads loads with the first worker (~2 ms of start-up a small image, inflated here, never needs)
      const { Worker } = process.getBuiltinModule('node:worker_threads');
      const { worker } = bootWorker(
        () =>
          new Worker(inflateWorkerSource(syncInflater, decompressorOf), {
            eval: true,
            resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16, stackSizeMb: 1 },
          }),
      );
      // The layer using a worker hears of its failure; the pool only stops handing a dead worker out
      // (an error event without a listener would end the process).
      const forget = () => {
        this.#dead.add(worker);
        this.#idle = this.#idle.filter((idle) => idle !== worker);
      };
      worker.on('error', forget);
      worker.on('exit', forget);
      this.#all.push(worker);
      return Promise.resolve(worker);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(worker: Worker): void {
    if (this.#closed) return;
    if (this.#dead.has(worker)) {
      // Its place goes to a new worker, for whoever waits.
      this.#all = this.#all.filter((alive) => alive !== worker);
      const waiter = this.#waiting.shift();
      if (waiter !== undefined) void this.#acquire().then(waiter);
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter(worker);
    else this.#idle.push(worker);
  }
}

type Item =
  | { readonly kind: 'output'; readonly buffer: ArrayBuffer; readonly length: number; readonly fed: number }
  | { readonly kind: 'end'; readonly digest: string | undefined; readonly fed: number }
  | { readonly kind: 'error'; readonly error: unknown };

/**
 * One layer on a worker. The feeder reads compressed chunks while fewer than `queuedInputs` wait at
 * the worker; outputs queue here until the pass takes them, each buffer going back when the pass asks
 * for the next. A failure to read the blob surfaces where the in-thread pass would meet it: once every
 * byte sent before it has come out.
 */
export class WorkerInflation implements AsyncIterable<Uint8Array> {
  readonly #items: Item[] = [];
  #wake: (() => void) | undefined;
  #worker: Worker | undefined;
  readonly #release: (worker: Worker) => void;
  readonly #start: Extract<ToInflateWorker, { kind: 'start' }>;
  #queued = 0;
  /** Input buffers back from the worker: at most `queuedInputs` and the one it inflates exist. */
  readonly #spareInputs: ArrayBuffer[] = [];
  #starved = false;
  #inputWaiter: (() => void) | undefined;
  #feedFailure: { error: unknown } | undefined;
  #stopped = false;
  #done = false;
  readonly #feeding: Promise<void>;
  #digest: string | undefined;
  #fed = 0;

  constructor(
    worker: Promise<Worker>,
    release: (worker: Worker) => void,
    source: AsyncIterable<Uint8Array>,
    counted: () => number,
    start: Extract<ToInflateWorker, { kind: 'start' }>,
  ) {
    this.#release = release;
    this.#start = start;
    this.#feeding = worker.then((w) => this.#run(w, source, counted));
  }

  /** The hex digest of the output, once it has all been read (undefined without an algorithm). */
  get digest(): string | undefined {
    return this.#digest;
  }

  /** Compressed bytes the worker had taken in when it gave the chunk read last. */
  get fed(): number {
    return this.#fed;
  }

  /** Why reading the blob failed, when it did. */
  get feedFailure(): unknown {
    return this.#feedFailure?.error;
  }

  /** Stops the worker's job and the reading: the pass is done with this layer, whatever the reason. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#inputWaiter?.();
    await this.#feeding.catch(() => undefined);
    this.#finish();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    let lent: ArrayBuffer | undefined;
    try {
      for (;;) {
        if (lent !== undefined) this.#post({ kind: 'return', job: this.#start.job, buffer: lent }, [lent]);
        lent = undefined;
        const item = await this.#next();
        if (item.kind === 'error') throw item.error;
        if (item.kind === 'end') {
          this.#digest = item.digest;
          this.#fed = item.fed;
          return;
        }
        lent = item.buffer;
        this.#fed = item.fed;
        yield new Uint8Array(item.buffer, 0, item.length);
      }
    } finally {
      if (lent !== undefined) this.#post({ kind: 'return', job: this.#start.job, buffer: lent }, [lent]);
      await this.stop();
    }
  }

  async #run(worker: Worker, source: AsyncIterable<Uint8Array>, counted: () => number): Promise<void> {
    if (this.#stopped) {
      this.#release(worker);
      return;
    }
    this.#worker = worker;
    worker.on('message', this.#onMessage);
    worker.on('error', this.#onError);
    worker.on('exit', this.#onExit);
    this.#post(this.#start);
    try {
      for await (const chunk of source) {
        // Chunks may be reused buffers: the worker gets a copy, in buffers that come back for the next.
        for (let offset = 0; offset < chunk.length; offset += inputPieceBytes) {
          while (this.#queued >= queuedInputs && !this.#stopped) {
            await new Promise<void>((resolve) => {
              this.#inputWaiter = resolve;
            });
          }
          if (this.#stopped) return;
          const piece = chunk.subarray(offset, offset + inputPieceBytes);
          const bytes = this.#spareInputs.pop() ?? new ArrayBuffer(inputPieceBytes);
          new Uint8Array(bytes).set(piece);
          this.#queued++;
          this.#starved = false;
          this.#post({ kind: 'input', job: this.#start.job, bytes, length: piece.length, counted: counted() }, [bytes]);
        }
      }
      if (this.#stopped) return;
      this.#queued++;
      this.#starved = false;
      this.#post({ kind: 'input', job: this.#start.job, bytes: undefined, length: 0, counted: counted() });
    } catch (error) {
      this.#feedFailure = { error };
      if (this.#starved) this.#push({ kind: 'error', error });
    }
  }

  readonly #onMessage = (message: FromInflateWorker): void => {
    if (message.job !== this.#start.job || this.#done) return;
    switch (message.kind) {
      case 'consumed':
        this.#queued--;
        this.#spareInputs.push(message.buffer);
        this.#inputWaiter?.();
        this.#inputWaiter = undefined;
        return;
      case 'starved':
        this.#starved = this.#queued === 0;
        if (this.#starved && this.#feedFailure !== undefined) this.#push({ kind: 'error', ...this.#feedFailure });
        return;
      case 'output':
        this.#push({ kind: 'output', buffer: message.buffer, length: message.length, fed: message.fed });
        return;
      case 'end':
        this.#push({ kind: 'end', digest: message.digest, fed: message.fed });
        return;
      case 'error':
        this.#push({
          kind: 'error',
          error: Object.assign(new Error(message.message), { errno: message.errno, code: message.code }),
        });
        return;
    }
  };

  readonly #onError = (error: unknown): void => {
    this.#push({ kind: 'error', error });
  };

  readonly #onExit = (code: number): void => {
    this.#push({ kind: 'error', error: new Error(`inflate worker exited (code ${code})`) });
  };

  #push(item: Item): void {
    this.#items.push(item);
    this.#wake?.();
    this.#wake = undefined;
  }

  async #next(): Promise<Item> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) return item;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #post(message: ToInflateWorker, transfer: ArrayBuffer[] = []): void {
    this.#worker?.postMessage(message, transfer);
  }

  /** Hands the worker back to the pool, its job stopped; once. */
  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#post({ kind: 'stop', job: this.#start.job });
    // Outputs the pass will not read go back to the worker's pool.
    for (const item of this.#items.splice(0)) {
      if (item.kind === 'output')
        this.#post({ kind: 'return', job: this.#start.job, buffer: item.buffer }, [item.buffer]);
    }
    worker.off('message', this.#onMessage);
    worker.off('error', this.#onError);
    worker.off('exit', this.#onExit);
    this.#release(worker);
  }
}
