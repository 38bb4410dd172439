import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { FromHashWorker, Segment, ToHashWorker } from './background-hash-protocol.ts';

/** Files per chunk of a DigestTable: chunks are added as files come, so a table is never copied to grow. */
const slotsPerChunk = 4096;

/**
 * The digests of many files, as bytes in fixed-size records by file number (`slot`): about 70 bytes a file
 * for md5, sha1 and sha256, where hex strings in maps took several hundred, and an image has hundreds of
 * thousands of files. Hex is made when asked for.
 */
export class DigestTable {
  readonly #lengths: readonly number[];
  readonly #record: number;
  readonly #chunks: Buffer[] = [];
  readonly #present: Uint8Array[] = [];
  #size = 0;

  constructor(algorithms: readonly string[]) {
    this.#lengths = algorithms.map((algorithm) => createHash(algorithm).digest().length);
    this.#record = this.#lengths.reduce((sum, n) => sum + n, 0);
  }

  /** Bytes of one file's digests: those of all algorithms, one after the other. */
  get recordBytes(): number {
    return this.#record;
  }

  /** Files whose digests are in the table. */
  get size(): number {
    return this.#size;
  }

  /** Stores a file's digests, `recordBytes` bytes of `source` from `offset`. */
  set(slot: number, source: Uint8Array, offset = 0): void {
    const chunk = Math.floor(slot / slotsPerChunk);
    while (this.#chunks.length <= chunk) {
      this.#chunks.push(Buffer.alloc(slotsPerChunk * this.#record));
      this.#present.push(new Uint8Array(slotsPerChunk));
    }
    const at = slot % slotsPerChunk;
    (this.#chunks[chunk] as Buffer).set(source.subarray(offset, offset + this.#record), at * this.#record);
    const present = this.#present[chunk] as Uint8Array;
    if (present[at] === 0) this.#size++;
    present[at] = 1;
  }

  /** A file's digests as hex, in the order of the algorithms; undefined for a file not (yet) hashed. */
  get(slot: number): readonly string[] | undefined {
    const chunk = this.#chunks[Math.floor(slot / slotsPerChunk)];
    const at = slot % slotsPerChunk;
    if (chunk === undefined || this.#present[Math.floor(slot / slotsPerChunk)]?.[at] !== 1) return undefined;
    const hexes: string[] = [];
    let offset = at * this.#record;
    for (const length of this.#lengths) {
      hexes.push(chunk.toString('hex', offset, offset + length));
      offset += length;
    }
    return hexes;
  }
}

export interface BackgroundHashOptions {
  /** Bytes gathered before a batch goes to the worker. */
  readonly batchBytes?: number;
  /**
   * Batch buffers in circulation at most (they travel to the worker and back). A file that does not fit
   * in what is free is hashed here: that bounds memory and what the worker can fall behind.
   */
  readonly maxBuffers?: number;
  /** Files larger than this are hashed here even when the pool has room: one such file would take all of it. */
  readonly maxFileBytes?: number;
  /** Hash everything on this thread (no worker): for machines and tests where threads do not pay. */
  readonly inThread?: boolean;
  /**
   * Bytes hashed here before the worker is started: a small image is hashed sooner than a thread boots
   * (~40 ms), and waiting for one at the end would cost more than it saves.
   */
  readonly workerAfterBytes?: number;
}

/**
 * Hashes many files with several algorithms (COMP-003's md5 and sha1 of every packaged file) on a worker
 * thread while the layer pass goes on: the pass copies each piece into a batch and moves on, and never waits
 * for the worker until `digests()`. Messages go one way (batches out, buffers and the digests of the files
 * they finished back), so the pass cannot stall on the worker and the worker keeps nothing. The worker starts
 * only once `workerAfterBytes` have been hashed here: small images never need one.
 *
 * Batch buffers are a small pool that is never outgrown. Fresh memory costs a page fault per 4 KiB on first
 * touch; on the VMs measured that made filling a new megabyte (~4 ms) slower than hashing it here with md5
 * and sha1 (~2.2 ms). So a file that does not fit in the free buffers is hashed here instead.
 */
export class BackgroundHasher implements AsyncDisposable {
  readonly #algorithms: readonly string[];
  readonly #batchBytes: number;
  readonly #maxBuffers: number;
  readonly #maxFile: number;
  #worker: Worker | undefined;
  readonly #useWorker: boolean;
  readonly #workerAfterBytes: number;
  #hashedHere = 0;
  readonly #table: DigestTable;
  #slots = 0;
  /** The batch being filled; taken from the pool when the first byte for it comes. */
  #batch: Uint8Array | undefined;
  #fill = 0;
  #segments: Segment[] = [];
  /** Buffers back from the worker, and how many the pool has made so far. */
  readonly #spare: ArrayBuffer[] = [];
  #allocated = 0;
  /** The file being written: its slot, and its hashes when it is hashed here. */
  #current: { slot: number; local: Hash[] | undefined } | undefined;
  #finished: (() => void) | undefined;
  #failure: Error | undefined;

  constructor(algorithms: readonly string[], options: BackgroundHashOptions = {}) {
    this.#algorithms = algorithms;
    this.#batchBytes = options.batchBytes ?? 1024 * 1024;
    this.#maxBuffers = options.maxBuffers ?? 8;
    this.#maxFile = options.maxFileBytes ?? 8 * 1024 * 1024;
    this.#useWorker = options.inThread !== true;
    this.#workerAfterBytes = options.workerAfterBytes ?? 8 * 1024 * 1024;
    this.#table = new DigestTable(algorithms);
  }

  #startWorker(): Worker | undefined {
    const worker = startWorker(this.#algorithms);
    worker?.on('message', (message: FromHashWorker) => {
      if (message.kind === 'hashed') {
        if (message.buffer.byteLength === this.#batchBytes) this.#spare.push(message.buffer);
        const digests = new Uint8Array(message.digests);
        for (const [i, slot] of message.slots.entries()) this.#table.set(slot, digests, i * this.#table.recordBytes);
      } else this.#finished?.();
    });
    worker?.on('error', (error) => {
      this.#failure = error;
    });
    return worker;
  }

  /** Bytes the pool can take now without waiting for the worker. */
  #room(): number {
    const current = this.#batch === undefined ? 0 : this.#batchBytes - this.#fill;
    return current + (this.#spare.length + this.#maxBuffers - this.#allocated) * this.#batchBytes;
  }

  /** Starts a file of `size` bytes; returns its slot, the number its digests are filed under (0, 1, 2, …). */
  begin(size: number): number {
    if (this.#worker === undefined && this.#useWorker && this.#hashedHere >= this.#workerAfterBytes) {
      this.#worker = this.#startWorker();
      // One attempt: where no worker can start, everything is hashed here.
      if (this.#worker === undefined) this.#hashedHere = Number.NEGATIVE_INFINITY;
    }
    const here = this.#worker === undefined || size > this.#maxFile || size > this.#room();
    const slot = this.#slots++;
    this.#current = { slot, local: here ? this.#algorithms.map((algorithm) => createHash(algorithm)) : undefined };
    return slot;
  }

  /** The next bytes of the current file; copied or hashed before this returns. */
  update(chunk: Uint8Array): void {
    const current = this.#current;
    if (current === undefined) throw new Error('BackgroundHasher.update without begin');
    if (current.local !== undefined) {
      for (const hash of current.local) hash.update(chunk);
      this.#hashedHere += chunk.length;
      return;
    }
    let offset = 0;
    while (offset < chunk.length) {
      // begin() made sure the pool has room for the whole file.
      this.#batch ??= new Uint8Array(this.#takeBuffer());
      const n = Math.min(chunk.length - offset, this.#batchBytes - this.#fill);
      this.#batch.set(chunk.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      this.#segments.push({ slot: current.slot, length: n, final: false });
      if (this.#fill === this.#batchBytes) this.#flush();
    }
  }

  end(): void {
    const current = this.#current;
    if (current === undefined) throw new Error('BackgroundHasher.end without begin');
    this.#current = undefined;
    if (current.local !== undefined) {
      this.#table.set(current.slot, Buffer.concat(current.local.map((hash) => hash.digest())));
      return;
    }
    const last = this.#segments.at(-1);
    if (last?.slot === current.slot) this.#segments[this.#segments.length - 1] = { ...last, final: true };
    else this.#segments.push({ slot: current.slot, length: 0, final: true });
  }

  /** Every file's digests by slot; stops the worker. */
  async digests(): Promise<DigestTable> {
    const worker = this.#worker;
    if (worker === undefined) return this.#table;
    this.#flush();
    // Waiting for the answer must keep the process alive (the worker is unref'd while idle).
    worker.ref();
    try {
      await new Promise<void>((resolve, reject) => {
        if (this.#failure) reject(this.#failure);
        this.#finished = resolve;
        worker.once('error', reject);
        worker.once('exit', () => reject(new Error('hash worker exited before it answered')));
        this.#post({ kind: 'finish' });
      });
      return this.#table;
    } finally {
      this.#worker = undefined;
      await worker.terminate();
    }
  }

  /** Stops the worker when `digests()` was never asked for (a pass that failed): no thread outlives its scan. */
  async [Symbol.asyncDispose](): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #takeBuffer(): ArrayBuffer {
    const spare = this.#spare.pop();
    if (spare !== undefined) return spare;
    this.#allocated++;
    return new ArrayBuffer(this.#batchBytes);
  }

  #flush(): void {
    if (this.#segments.length === 0) return;
    // The batch buffer itself travels (transferred, not copied) and comes back in the worker's answer. A
    // batch of only an end mark (the file's last byte filled the previous batch) carries no buffer.
    const bytes = (this.#batch?.buffer as ArrayBuffer | undefined) ?? new ArrayBuffer(0);
    this.#post({ kind: 'batch', bytes, segments: this.#segments }, [bytes]);
    this.#batch = undefined;
    this.#fill = 0;
    this.#segments = [];
  }

  #post(message: ToHashWorker, transfer: ArrayBuffer[] = []): void {
    this.#worker?.postMessage(message, transfer);
  }
}

/**
 * The worker's code. It runs from its own source text (`eval`), so the thread starts in ~30 ms: a worker
 * started from a .ts file loads Node's TypeScript stripper first, ~170 ms of a second core, during which
 * batches pile up. So it must be self-contained: no imports, builtins through getBuiltinModule.
 */
function hashWorker(): void {
  const { createHash } = process.getBuiltinModule('node:crypto');
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const port = parentPort;
  if (port === null) return;
  const algorithms = workerData as readonly string[];
  const open = new Map<number, ReturnType<typeof createHash>[]>();
  const post = (message: FromHashWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  port.on('message', (message: ToHashWorker) => {
    if (message.kind === 'finish') {
      post({ kind: 'finished' });
      return;
    }
    const bytes = new Uint8Array(message.bytes);
    const slots: number[] = [];
    const finished: Uint8Array[] = [];
    let offset = 0;
    for (const { slot, length, final } of message.segments) {
      let hashes = open.get(slot);
      if (hashes === undefined) {
        hashes = algorithms.map((algorithm) => createHash(algorithm));
        open.set(slot, hashes);
      }
      const piece = bytes.subarray(offset, offset + length);
      for (const hash of hashes) hash.update(piece);
      offset += length;
      if (final) {
        open.delete(slot);
        slots.push(slot);
        for (const hash of hashes) finished.push(hash.digest());
      }
    }
    const digests = Buffer.concat(finished);
    // a fresh copy of exactly its bytes: a small Buffer shares Node's pool, which cannot be transferred
    const transferable = digests.buffer.slice(digests.byteOffset, digests.byteOffset + digests.length) as ArrayBuffer;
    post({ kind: 'hashed', bytes: offset, buffer: message.bytes, slots, digests: transferable }, [
      message.bytes,
      transferable,
    ]);
  });
}

function startWorker(algorithms: readonly string[]): Worker | undefined {
  try {
    const worker = new Worker(`(${hashWorker.toString()})()`, { eval: true, workerData: algorithms });
    // It must never keep the process alive on its own (a caller that never asks for digests).
    worker.unref();
    return worker;
  } catch {
    return undefined;
  }
}
