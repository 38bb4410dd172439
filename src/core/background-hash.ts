import { createHash, type Hash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import {
  control,
  controlWords,
  type FromHashWorker,
  fileSet,
  type HashWorkerData,
  op,
  recordWords,
} from './background-hash-protocol.ts';
import { hashWorkerSource } from './background-hash-worker.ts';
import { DigestTable } from './digest-table.ts';
import { type BootingWorker, bootWorker } from './v8-flags.ts';

export interface BackgroundHashOptions {
  /** Bytes of the ring (a power of two): what the worker may fall behind the pass by. */
  readonly ringBytes?: number;
  /** Records in the ring (a power of two): one per piece of a file the pass hands over, about. */
  readonly ringRecords?: number;
  /** Hash everything on this thread (no worker): for machines and tests where threads do not pay. */
  readonly inThread?: boolean;
  /**
   * Bytes hashed here before the worker is started: a small image is hashed sooner than a thread boots
   * (~40 ms), and waiting for one at the end would cost more than it saves. A stream announced as at least
   * this large starts it at once.
   */
  readonly workerAfterBytes?: number;
  /**
   * Stream writes wait until the worker has loaded its built-ins. V8 runs with its default flags while a worker
   * boots (`bootWorker`), under which a pass going on would let this thread's young generation grow, and it stays
   * grown: 10-15 MiB more peak RSS on a 2 GB image, where the peak is the goal (issue 17), and 50-70 ms less on a
   * 60 MB one, where time is. Set it for large images.
   */
  readonly waitForBoot?: boolean;
}

/** A stream hashed as a whole (a layer's uncompressed bytes, for its diffID). */
export interface HashedStream {
  /**
   * Room for the stream's next bytes, `length` at most (less when the ring is small: a quarter of it at most):
   * a view of the stream's own memory, valid until the next `space`. Write them there (inflate into it) and `take` them: files that
   * `update` with views of them until the next `space` are hashed from there, without a copy. A promise when
   * the stream must wait for room (back-pressure: the worker is a ring behind).
   */
  space(length: number): Uint8Array | Promise<Uint8Array>;
  /** The first `length` bytes of the latest `space` are the stream's next bytes (0: none came). */
  take(length: number): void;
  /** Every byte was written: the stream's hex digest (undefined without an algorithm) once it is hashed. */
  end(): Promise<string | undefined>;
}

/** Copies `chunk` into `stream`'s memory, in the runs it gives (waiting for room when it must): each run, once taken. */
export async function* copiedRuns(
  stream: Pick<HashedStream, 'space' | 'take'>,
  chunk: Uint8Array,
): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < chunk.length; ) {
    const space = stream.space(chunk.length - offset);
    const run = space instanceof Uint8Array ? space : await space;
    const n = Math.min(run.length, chunk.length - offset);
    run.set(chunk.subarray(offset, offset + n));
    stream.take(n);
    offset += n;
    yield run.subarray(0, n);
  }
}

/** What a pass over layers hands each layer's bytes to, so they and its files are hashed on one other thread. */
export interface StreamHasher {
  /** A stream hashed with `algorithm` (none: its bytes only carry files); `sizeHint` bytes expected, about. */
  stream(algorithm: string | undefined, sizeHint: number): HashedStream;
}

/** Algorithms a stream may be hashed with on the worker: a diffID's. */
const streamAlgorithms = ['sha256', 'sha512'] as const;
/** Bytes of tar a record can stand for, at least: a file's header. A run reserves records for this many. */
const bytesPerRecord = 512;
/** How long the pass waits, without a byte of progress, for a worker it cannot hear from (a sync wait). */
const silentWorkerMs = 30_000;

interface Ring {
  readonly worker: Worker;
  readonly words: Int32Array;
  readonly records: Int32Array;
  readonly data: Uint8Array;
}

/** The hash worker failed or vanished: nothing it had been given can be trusted to be hashed. */
export class HashWorkerError extends Error {
  override readonly name = 'HashWorkerError';
}

/**
 * Hashes many files with several algorithms, each file with those its `begin` names (COMP-003's md5, sha1 and
 * sha256 of every packaged file, or those the image's package databases ask for), and the
 * layers' uncompressed streams for their diffIDs, on one worker thread while the layer pass goes on.
 *
 * Between them is a ring in a SharedArrayBuffer: bytes, and records naming which bytes belong to which slot (a
 * file, or a stream). A layer's stream is inflated straight into the ring (`HashedStream.space`), and a file's
 * bytes, which the tar parser hands over as views of that run, become records pointing into it: no copy, and
 * no hashing on the pass's thread. The worker hashes in record order and releases bytes behind it; the pass
 * waits (Atomics.waitAsync, between chunks) only when the ring is full. So the worker can never fall more than
 * a ring behind, and memory is the ring whatever the files' sizes.
 *
 * A file that begins while the worker is half a ring behind is hashed here instead (the pass inflates a stretch
 * of large binaries faster than the worker takes three hashes of it, and would otherwise wait). Files written
 * without a stream (a `dir:` source) are copied into the ring themselves, or hashed here when it has no room
 * for them. The worker starts only once
 * `workerAfterBytes` have been hashed here, or a stream that large is announced: small images never need one.
 */
export class BackgroundHasher implements AsyncDisposable, StreamHasher {
  readonly #algorithms: readonly string[];
  readonly #ringBytes: number;
  readonly #ringRecords: number;
  readonly #useWorker: boolean;
  readonly #workerAfterBytes: number;
  readonly #waitForBoot: boolean;
  readonly #table: DigestTable;
  #ring: Ring | undefined;
  #hashedHere = 0;
  #slots = 0;
  #streams = 0;
  /** The file being written: its slot, the algorithms it is hashed with (a mask), and its hashes when hashed here. */
  #current: { slot: number; mask: number; local: Hash[] | undefined } | undefined;
  /** Records pushed (published to the worker up to `control.written`). */
  #written = 0;
  /** Where the next byte goes into the ring, as a position counting every byte ever written (mod 2^32). */
  #position = 0;
  /** The current file's latest bytes, held back so that adjacent pieces and its end make one record. */
  #pending: { slot: number; mask: number; position: number; length: number } | undefined;
  /** The stream's latest run, and where it lies: file bytes inside it become records without a copy. */
  #pinned: { source: Uint8Array; position: number } | undefined;
  readonly #streamAnswers = new Map<number, { resolve: (hex: string) => void; reject: (error: Error) => void }>();
  #finished: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #failure: Error | undefined;
  /** With `waitForBoot`, until the worker's boot under V8's defaults is over (`bootWorker`): stream writes wait. */
  #booting: Promise<void> | undefined;
  #holds = 0;

  constructor(algorithms: readonly string[], options: BackgroundHashOptions = {}) {
    this.#algorithms = algorithms;
    this.#ringBytes = options.ringBytes ?? 4 * 1024 * 1024;
    this.#ringRecords = options.ringRecords ?? 16 * 1024;
    // Positions count on past 2^32 and records by a mask: both sizes must divide 2^32.
    for (const size of [this.#ringBytes, this.#ringRecords]) {
      if (!Number.isInteger(Math.log2(size)) || size > 2 ** 30)
        throw new Error(`ring size ${size} is not a power of two`);
    }
    this.#useWorker = options.inThread !== true;
    this.#workerAfterBytes = options.workerAfterBytes ?? 8 * 1024 * 1024;
    this.#waitForBoot = options.waitForBoot === true;
    this.#table = new DigestTable(algorithms);
  }

  /**
   * Starts a file of `size` bytes, to be hashed with the algorithms in `mask` (bit i: the i-th; default all);
   * returns its slot, the number its digests are filed under (0, 1, 2, …).
   */
  begin(size: number, mask = this.#table.allAlgorithms): number {
    this.#table.checkMask(mask, 'BackgroundHasher.begin');
    this.#startIfDue(0);
    const slot = this.#slots++;
    // Hashed here when the worker is behind: in a stream, by half the ring (a stretch of large binaries, which
    // inflate faster than three hashes take); without one, by more than the room the file's copy needs.
    const ring = this.#ring;
    const here =
      ring === undefined ||
      (this.#pinned === undefined
        ? !this.#fits(size, 8)
        : (this.#position - Atomics.load(ring.words, control.released)) >>> 0 > this.#ringBytes / 2);
    this.#current = {
      slot,
      mask,
      local: here
        ? this.#algorithms.filter((_, i) => (mask >> i) & 1).map((algorithm) => createHash(algorithm))
        : undefined,
    };
    return slot;
  }

  /** The next bytes of the current file; hashed, copied or recorded before this returns. */
  update(chunk: Uint8Array): void {
    const current = this.#current;
    if (current === undefined) throw new Error('BackgroundHasher.update without begin');
    if (current.local !== undefined) {
      for (const hash of current.local) hash.update(chunk);
      this.#hashedHere += chunk.length;
      return;
    }
    const pinned = this.#pinned;
    if (pinned === undefined) {
      this.#copy(current, chunk);
      return;
    }
    const from = chunk.byteOffset - pinned.source.byteOffset;
    if (chunk.buffer !== pinned.source.buffer || from < 0 || from + chunk.length > pinned.source.length) {
      throw new Error("BackgroundHasher.update with bytes outside the stream's latest run");
    }
    this.#piece(current, (pinned.position + from) >>> 0, chunk.length);
  }

  end(): void {
    const current = this.#current;
    if (current === undefined) throw new Error('BackgroundHasher.end without begin');
    this.#current = undefined;
    if (current.local !== undefined) {
      this.#table.set(current.slot, Buffer.concat(current.local.map((hash) => hash.digest())), 0, current.mask);
      return;
    }
    const pending = this.#pending;
    this.#pending = undefined;
    const code = fileSet(current.mask);
    if (pending?.slot === current.slot) this.#push(op.last, code, pending.slot, pending.position, pending.length);
    else this.#push(op.last, code, current.slot, this.#position, 0);
    if (this.#pinned === undefined) {
      // Copied bytes: free once the worker is past this file.
      this.#push(op.release, 0, 0, this.#position, 0);
      this.#publish();
    }
  }

  stream(algorithm: string | undefined, sizeHint: number): HashedStream {
    this.#startIfDue(sizeHint);
    const set = algorithm === undefined ? 0 : streamAlgorithms.indexOf(algorithm as (typeof streamAlgorithms)[number]);
    if (this.#ring === undefined || set < 0) {
      const hash = algorithm === undefined ? undefined : createHash(algorithm);
      let run: Buffer | undefined;
      return {
        space: (length) => {
          if (run === undefined || run.length < length) run = Buffer.allocUnsafe(length);
          return run.subarray(0, length);
        },
        take: (length) => {
          hash?.update((run as Buffer).subarray(0, length));
          this.#hashedHere += length;
        },
        end: async () => hash?.digest('hex'),
      };
    }
    const slot = algorithm === undefined ? undefined : --this.#streams;
    const hashed = slot === undefined ? undefined : { slot, set: set + 1 };
    let run: Uint8Array | undefined;
    return {
      space: (length) => {
        const space = this.#space(length);
        if (space instanceof Uint8Array) run = space;
        else
          space.then(
            (given) => {
              run = given;
            },
            // the caller meets the failure through `space` itself
            () => undefined,
          );
        return space;
      },
      take: (length) => this.#take(hashed, (run as Uint8Array).subarray(0, length)),
      end: () => {
        this.#flushPending();
        this.#pinned = undefined;
        if (slot !== undefined) this.#push(op.last, set + 1, slot, this.#position, 0);
        this.#push(op.release, 0, 0, this.#position, 0);
        this.#publish(true);
        if (slot === undefined) return Promise.resolve(undefined);
        const answer = new Promise<string>((resolve, reject) => {
          if (this.#failure !== undefined) reject(this.#failure);
          else this.#streamAnswers.set(slot, { resolve, reject });
        });
        // Waiting for the answer must keep the process alive (the worker is unref'd while idle).
        this.#hold(1);
        answer.then(
          () => this.#hold(-1),
          () => this.#hold(-1),
        );
        // A pass that fails elsewhere may never ask: that must not be an unhandled rejection.
        answer.catch(() => undefined);
        return answer;
      },
    };
  }

  /** Every file's digests by slot; stops the worker. */
  async digests(): Promise<DigestTable> {
    const ring = this.#ring;
    if (ring === undefined) return this.#table;
    this.#throwIfFailed(ring);
    this.#flushPending();
    this.#push(op.finish, 0, 0, 0, 0);
    this.#publish(true);
    this.#hold(1);
    try {
      await new Promise<void>((resolve, reject) => {
        if (this.#failure !== undefined) reject(this.#failure);
        else this.#finished = { resolve, reject };
      });
      return this.#table;
    } finally {
      this.#ring = undefined;
      await ring.worker.terminate();
    }
  }

  /** Stops the worker when `digests()` was never asked for (a pass that failed): no thread outlives its scan. */
  async [Symbol.asyncDispose](): Promise<void> {
    const ring = this.#ring;
    if (ring === undefined) return;
    // Whatever still writes or waits meets this, rather than a ring nobody reads.
    this.#fail(new HashWorkerError('hash worker stopped before it answered'));
    await ring.worker.terminate();
  }

  #startIfDue(announced: number): void {
    if (this.#ring !== undefined || !this.#useWorker || this.#hashedHere + announced < this.#workerAfterBytes) return;
    this.#ring = this.#startWorker();
    // One attempt: where no worker can start, everything is hashed here.
    if (this.#ring === undefined) this.#hashedHere = Number.NEGATIVE_INFINITY;
  }

  #startWorker(): Ring | undefined {
    const buffer = new SharedArrayBuffer(controlWords * 4 + this.#ringRecords * recordWords * 4 + this.#ringBytes);
    const workerData: HashWorkerData = {
      buffer,
      records: this.#ringRecords,
      dataBytes: this.#ringBytes,
      sets: [this.#algorithms, ...streamAlgorithms.map((algorithm) => [algorithm])],
    };
    let booting: BootingWorker;
    try {
      // worker_threads loads with the first worker: a small image starts none (~2 ms of start-up, issue 17)
      const { Worker } = process.getBuiltinModule('node:worker_threads');
      booting = bootWorker(() => new Worker(hashWorkerSource(), { eval: true, workerData }));
    } catch {
      return undefined;
    }
    const { worker, booted } = booting;
    // It must never keep the process alive on its own (a caller that never asks for digests).
    worker.unref();
    if (this.#waitForBoot && booted !== undefined) {
      this.#booting = booted.then(() => {
        this.#booting = undefined;
      });
    }
    worker.on('message', (message: FromHashWorker) => {
      if (message.kind === 'hashed') {
        const digests = new Uint8Array(message.digests);
        let offset = 0;
        for (let i = 0; i < message.slots.length; i++) {
          const mask = message.masks[i] as number;
          this.#table.set(message.slots[i] as number, digests, offset, mask);
          offset += this.#table.bytesOf(mask);
        }
      } else if (message.kind === 'stream') {
        this.#streamAnswers.get(message.slot)?.resolve(message.hex);
        this.#streamAnswers.delete(message.slot);
      } else if (message.kind === 'finished') this.#finished?.resolve();
      else if (message.kind === 'error') this.#fail(new HashWorkerError(`hash worker failed: ${message.message}`));
    });
    worker.on('error', (error) =>
      this.#fail(new HashWorkerError(`hash worker failed: ${error.message}`, { cause: error })),
    );
    worker.on('exit', (code) =>
      this.#fail(new HashWorkerError(`hash worker exited (code ${code}) before it answered`)),
    );
    const records = controlWords * 4;
    return {
      worker,
      words: new Int32Array(buffer, 0, controlWords),
      records: new Int32Array(buffer, records, this.#ringRecords * recordWords),
      data: new Uint8Array(buffer, records + this.#ringRecords * recordWords * 4, this.#ringBytes),
    };
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    for (const answer of this.#streamAnswers.values()) answer.reject(error);
    this.#streamAnswers.clear();
    this.#finished?.reject(error);
    // Wakes a pass waiting for room, which then meets the failure.
    const words = this.#ring?.words;
    if (words !== undefined) Atomics.notify(words, control.done);
  }

  #throwIfFailed(ring: Ring): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (Atomics.load(ring.words, control.failed) !== 0) throw new HashWorkerError('hash worker failed');
  }

  /**
   * Room for a stream's next `length` bytes, as a run of the ring (a view of it): everything before is released
   * first, then the pass waits, when it must, until the worker is far enough behind.
   */
  #space(wanted: number): Uint8Array | Promise<Uint8Array> {
    const booting = this.#booting;
    if (booting !== undefined) {
      this.#hold(1);
      return booting.then(() => {
        this.#hold(-1);
        return this.#space(wanted);
      });
    }
    const ring = this.#ring as Ring;
    // A quarter of the ring at most: the worker always has the rest to be behind in.
    const length = Math.min(wanted, this.#ringBytes / 4);
    // No record from here on names the bytes of earlier writes.
    this.#flushPending();
    this.#pinned = undefined;
    this.#push(op.release, 0, 0, this.#position, 0);
    const records = Math.ceil(length / bytesPerRecord) + 8;
    const bytes = this.#contiguous(length);
    if (this.#fits(bytes, records)) return this.#run(length);
    return this.#room(ring, bytes, records).then(() => this.#run(length));
  }

  #run(length: number): Uint8Array {
    const ring = this.#ring as Ring;
    this.#throwIfFailed(ring);
    // One run of the ring, so that views of it map onto it: the ring's tail is skipped when it is too short.
    this.#position = (this.#position + this.#contiguous(length) - length) >>> 0;
    const at = this.#position % this.#ringBytes;
    return ring.data.subarray(at, at + length);
  }

  /**
   * The stream's next `length` bytes are in the run `#space` gave; `source` is what the pass parses (views of
   * it are file bytes at the same offsets in the run).
   */
  #take(hashed: { slot: number; set: number } | undefined, source: Uint8Array): void {
    if (source.length === 0) return;
    const position = this.#position;
    if (hashed !== undefined) this.#push(op.data, hashed.set, hashed.slot, position, source.length);
    this.#pinned = { source, position };
    this.#position = (position + source.length) >>> 0;
    this.#publish();
  }

  /** Bytes a run of `length` takes from the ring: its length, and the ring's tail when it would not fit there. */
  #contiguous(length: number): number {
    const at = this.#position % this.#ringBytes;
    return at + length > this.#ringBytes ? this.#ringBytes - at + length : length;
  }

  /** A file's bytes that no stream holds: copied in, in pieces of half the ring, waiting for room (rare). */
  #copy(file: { slot: number; mask: number }, chunk: Uint8Array): void {
    const ring = this.#ring as Ring;
    for (let offset = 0; offset < chunk.length; ) {
      const n = Math.min(chunk.length - offset, this.#ringBytes / 2);
      if (!this.#fits(n, 4)) {
        // Nothing is pinned: everything written so far may go once the worker is past it.
        this.#flushPending();
        this.#push(op.release, 0, 0, this.#position, 0);
        this.#roomSync(ring, n, 4);
      }
      const at = this.#position % this.#ringBytes;
      const first = Math.min(n, this.#ringBytes - at);
      ring.data.set(chunk.subarray(offset, offset + first), at);
      if (first < n) ring.data.set(chunk.subarray(offset + first, offset + n), 0);
      this.#piece(file, this.#position, n);
      this.#position = (this.#position + n) >>> 0;
      offset += n;
    }
  }

  /** Records `length` bytes of `file` at `position`, joined to the pending piece when they follow it. */
  #piece(file: { slot: number; mask: number }, position: number, length: number): void {
    const pending = this.#pending;
    if (pending?.slot === file.slot && (pending.position + pending.length) >>> 0 === position) {
      pending.length += length;
      return;
    }
    this.#flushPending();
    this.#pending = { slot: file.slot, mask: file.mask, position, length };
  }

  #flushPending(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    this.#push(op.data, fileSet(pending.mask), pending.slot, pending.position, pending.length);
  }

  /** `set`: the algorithm set's number, or for a file `fileSet(mask)`; shifted into the op word as `recordWords` says. */
  #push(kind: number, set: number, slot: number, position: number, length: number): void {
    const ring = this.#ring as Ring;
    // Writes reserve records for their files; only a file with very many small pieces can run out.
    if (!this.#fits(0, 1)) this.#roomSync(ring, 0, 1);
    const at = (this.#written & (this.#ringRecords - 1)) * recordWords;
    const records = ring.records;
    records[at] = kind | (set << 8);
    records[at + 1] = slot;
    records[at + 2] = position | 0;
    records[at + 3] = length;
    this.#written = (this.#written + 1) | 0;
  }

  /**
   * Lets the worker see the records pushed so far. A sleeping worker is woken only once a quarter of the ring
   * waits for it (or when `now`, when the pass is about to wait or to ask): a wake-up is a system call, and a
   * worker woken per chunk went back to sleep at once, a few thousand times a second.
   */
  #publish(now = false): void {
    const words = (this.#ring as Ring).words;
    Atomics.store(words, control.written, this.#written);
    if (Atomics.load(words, control.sleeping) === 0) return;
    const waiting = (this.#position - Atomics.load(words, control.released)) >>> 0;
    const records = (this.#written - Atomics.load(words, control.done)) | 0;
    if (now || waiting >= this.#ringBytes / 4 || records >= this.#ringRecords / 4)
      Atomics.notify(words, control.written);
  }

  /** Whether `bytes` and `records` more fit now. */
  #fits(bytes: number, records: number): boolean {
    const ring = this.#ring as Ring;
    const usedBytes = (this.#position - Atomics.load(ring.words, control.released)) >>> 0;
    const usedRecords = (this.#written - Atomics.load(ring.words, control.done)) | 0;
    return usedBytes + bytes <= this.#ringBytes && usedRecords + records <= this.#ringRecords;
  }

  /** Waits, letting the event loop run (and hear of a failed worker), until `bytes` and `records` fit. */
  async #room(ring: Ring, bytes: number, records: number): Promise<void> {
    this.#publish(true);
    this.#hold(1);
    try {
      for (;;) {
        this.#throwIfFailed(ring);
        const seen = Atomics.load(ring.words, control.done);
        if (this.#fits(bytes, records)) return;
        const waited = Atomics.waitAsync(ring.words, control.done, seen);
        if (waited.async) await waited.value;
      }
    } finally {
      this.#hold(-1);
    }
  }

  /**
   * Counts what waits for the worker: while anything does, the worker keeps the process alive (a pending
   * Atomics.waitAsync or message does not); while nothing does, it must not (a caller that never asks).
   */
  #hold(change: number): void {
    const worker = this.#ring?.worker;
    this.#holds += change;
    if (this.#holds === 0) worker?.unref();
    else if (this.#holds === change) worker?.ref();
  }

  /**
   * The same, blocking: for `update`, which cannot wait. Records always come free (the worker needs nothing
   * to finish one); bytes only by a release record pushed before. The worker's own flag says when it failed.
   */
  #roomSync(ring: Ring, bytes: number, records: number): void {
    this.#publish(true);
    let seen = Atomics.load(ring.words, control.done);
    let since = performance.now();
    while (!this.#fits(bytes, records)) {
      this.#throwIfFailed(ring);
      Atomics.wait(ring.words, control.done, seen, 100);
      const now = Atomics.load(ring.words, control.done);
      if (now !== seen) {
        seen = now;
        since = performance.now();
      } else if (performance.now() - since > silentWorkerMs) {
        throw new HashWorkerError(`hash worker made no progress in ${silentWorkerMs / 1000} s`);
      }
    }
  }
}
