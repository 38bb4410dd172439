import type * as zlib from 'node:zlib';
import type { decompressorOf } from './compression.ts';
import type { SyncInflater, syncInflater } from './decompress.ts';

/** Main thread to inflate worker; `job` numbers the layer, so a message for a finished one is ignored. */
export type ToInflateWorker =
  | {
      readonly kind: 'start';
      readonly job: number;
      readonly compression: 'gzip' | 'zstd';
      /** The diffID's hash algorithm, hashed over the output here; undefined when nothing is verified. */
      readonly algorithm: string | undefined;
      readonly chunkBytes: number;
      /** Output buffers in circulation at most: what the worker may run ahead of the pass. */
      readonly buffers: number;
    }
  /**
   * The next compressed bytes: the first `length` of `bytes` (transferred); no bytes: the end of the
   * blob. `counted` is what the blob's reader had counted when it read them (see `fed`).
   */
  | {
      readonly kind: 'input';
      readonly job: number;
      readonly bytes: ArrayBuffer | undefined;
      readonly length: number;
      readonly counted: number;
    }
  /** An output buffer the pass is done with, back for reuse (by any later job too). */
  | { readonly kind: 'return'; readonly job: number; readonly buffer: ArrayBuffer }
  | { readonly kind: 'stop'; readonly job: number }
  /** The pool is closing: the worker exits between messages (`endWorker`). */
  | { readonly kind: 'close' };

export type FromInflateWorker =
  | {
      readonly kind: 'output';
      readonly job: number;
      readonly buffer: ArrayBuffer;
      readonly length: number;
      /** Compressed bytes read when the input now inflating was: what the in-thread pass would have read. */
      readonly fed: number;
    }
  /** An input was read to its end: its buffer back for the next (room for another). */
  | { readonly kind: 'consumed'; readonly job: number; readonly buffer: ArrayBuffer }
  /** Every input sent so far has come out: nothing more until the next arrives. */
  | { readonly kind: 'starved'; readonly job: number }
  | { readonly kind: 'end'; readonly job: number; readonly digest: string | undefined; readonly fed: number }
  /** The worker has loaded the built-ins it uses (its first message, job -1): `bootWorker`'s end. */
  | { readonly kind: 'ready'; readonly job: -1 }
  | {
      readonly kind: 'error';
      readonly job: number;
      readonly message: string;
      readonly errno: number | undefined;
      readonly code: string | undefined;
    };

/** The worker's source text: `inflateWorker` with the inflater it drives, all self-contained. */
export function inflateWorkerSource(inflater: typeof syncInflater, decompressor: typeof decompressorOf): string {
  return `(${inflateWorker.toString()})(${inflater.toString()}, ${decompressor.toString()})`;
}

interface Job {
  readonly id: number;
  readonly inflater: SyncInflater;
  readonly hash: ReturnType<typeof import('node:crypto').createHash> | undefined;
  readonly inputs: { readonly bytes: ArrayBuffer | undefined; readonly length: number; readonly counted: number }[];
  /** The input being inflated: it goes back once read to its end. */
  held: ArrayBuffer | undefined;
  fed: number;
  readonly chunkBytes: number;
  readonly buffers: number;
  /** Output buffers of this job with the pass now. */
  lent: number;
}

/**
 * The worker: decompresses one layer at a time into buffers that travel to the pass and back, and hashes
 * the output for the diffID on the way. It runs from its own source text (`eval`), so it starts in ~30 ms
 * without Node's TypeScript stripper: no imports, builtins through getBuiltinModule.
 */
function inflateWorker(inflater: typeof syncInflater, decompressor: typeof decompressorOf): void {
  const zlibModule = process.getBuiltinModule('node:zlib') as typeof zlib;
  const { createHash } = process.getBuiltinModule('node:crypto');
  const port = process.getBuiltinModule('node:worker_threads').parentPort;
  if (port === null) return;
  const post = (message: FromInflateWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  post({ kind: 'ready', job: -1 });
  let job: Job | undefined;
  /**
   * Output buffers back from the pass, kept for every later job: fresh ones per layer would leave
   * megabytes of dead external memory, which V8 collects late.
   */
  const free: ArrayBuffer[] = [];

  const pump = (current: Job): void => {
    for (;;) {
      if (current.inflater.needsInput()) {
        if (current.inflater.finished()) {
          current.inflater.close();
          job = undefined;
          post({ kind: 'end', job: current.id, digest: current.hash?.digest('hex'), fed: current.fed });
          return;
        }
        const held = current.held;
        current.held = undefined;
        if (held !== undefined) post({ kind: 'consumed', job: current.id, buffer: held }, [held]);
        if (current.inputs.length === 0) {
          post({ kind: 'starved', job: current.id });
          return;
        }
        const next = current.inputs.shift() as Job['inputs'][number];
        current.held = next.bytes;
        current.fed = next.counted;
        current.inflater.push(next.bytes === undefined ? undefined : new Uint8Array(next.bytes, 0, next.length));
      }
      // Every buffer this job may have is with the pass: wait for one to come back.
      if (current.lent >= current.buffers) return;
      let buffer = free.pop();
      if (buffer === undefined || buffer.byteLength !== current.chunkBytes)
        buffer = new ArrayBuffer(current.chunkBytes);
      let produced: number;
      try {
        produced = current.inflater.inflate(new Uint8Array(buffer));
      } catch (error) {
        current.inflater.close();
        job = undefined;
        const { message, errno, code } = error as Error & { errno?: number; code?: string };
        post({ kind: 'error', job: current.id, message, errno, code });
        return;
      }
      if (produced === 0) {
        free.push(buffer);
        continue;
      }
      current.lent++;
      current.hash?.update(new Uint8Array(buffer, 0, produced));
      post({ kind: 'output', job: current.id, buffer, length: produced, fed: current.fed }, [buffer]);
    }
  };

  port.on('message', (message: ToInflateWorker) => {
    if (message.kind === 'close') process.exit();
    if (message.kind === 'start') {
      const made = inflater(zlibModule, message.compression, message.chunkBytes, decompressor);
      if (made === undefined) {
        post({
          kind: 'error',
          job: message.job,
          message: 'no synchronous zlib handle',
          errno: undefined,
          code: undefined,
        });
        return;
      }
      job = {
        id: message.job,
        inflater: made,
        hash: message.algorithm === undefined ? undefined : createHash(message.algorithm),
        inputs: [],
        held: undefined,
        fed: 0,
        chunkBytes: message.chunkBytes,
        buffers: message.buffers,
        lent: 0,
      };
      return;
    }
    if (message.kind === 'return') free.push(message.buffer);
    const current = job;
    if (current === undefined || current.id !== message.job) return;
    if (message.kind === 'stop') {
      current.inflater.close();
      job = undefined;
      return;
    }
    if (message.kind === 'input') {
      current.inputs.push(message);
      if (current.inputs.length === 1) pump(current);
      return;
    }
    current.lent--;
    pump(current);
  });
}
