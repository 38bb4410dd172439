import { pipeline, Readable } from 'node:stream';
import type { Gunzip, ZstdDecompress } from 'node:zlib';
import * as zlib from 'node:zlib';
import { copiedRuns } from '../../core/index.ts';
import { createDecompressor, decompressorChunkBytes, decompressorOf } from './compression.ts';

/** The part of Node's zlib handle that `zlib.*Sync` functions drive (stable since Node 10, present in 22 and 24). */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  onerror: (message: string, errno: number, code?: string) => void;
}
interface ZlibInternals {
  _handle?: ZlibHandle;
  _writeState?: Uint32Array;
  _defaultFlushFlag?: number;
  _finishFlushFlag?: number;
}

/** A decompressor driven step by step into buffers the caller owns (see `syncInflater`). */
export interface SyncInflater {
  /** True when `push` must come before the next `inflate`. */
  needsInput(): boolean;
  /** True once the end of input was pushed and everything it held has come out. */
  finished(): boolean;
  /** The next compressed bytes, kept until consumed; undefined marks the end of the input. */
  push(input: Uint8Array | undefined): void;
  /** Decompresses into `out`; the bytes written (possibly 0). Throws on corrupt input, as zlib says it. */
  inflate(out: Uint8Array): number;
  close(): void;
}

/**
 * Node's zlib handle driven synchronously (what `zlib.gunzipSync` does internally), or undefined should
 * a Node version lack the handle. Self-contained (it names nothing outside itself): the inflate worker
 * runs it from its source text, with its own `zlib` and `decompressorOf`.
 */
export function syncInflater(
  zlibModule: typeof zlib,
  compression: 'gzip' | 'zstd',
  chunkSize: number,
  makeDecompressor: (
    zlibModule: typeof zlib,
    compression: 'gzip' | 'zstd',
    chunkSize: number,
  ) => Gunzip | ZstdDecompress,
): SyncInflater | undefined {
  const stream = makeDecompressor(zlibModule, compression, chunkSize);
  const internals = stream as unknown as ZlibInternals;
  const handle = internals._handle;
  const state = internals._writeState;
  const defaultFlush = internals._defaultFlushFlag;
  const finishFlush = internals._finishFlushFlag;
  if (
    handle === undefined ||
    typeof handle.writeSync !== 'function' ||
    state === undefined ||
    defaultFlush === undefined ||
    finishFlush === undefined
  ) {
    stream.close();
    return undefined;
  }
  let failure: Error | undefined;
  handle.onerror = (message, errno, code) => {
    failure = Object.assign(new Error(message), { errno, code });
  };
  const empty: Uint8Array = new Uint8Array(0);
  let input: Uint8Array = empty;
  let inOff = 0;
  let inLen = 0;
  let flush = defaultFlush;
  let needInput = true;
  return {
    needsInput: () => needInput,
    finished: () => needInput && flush === finishFlush,
    push(next) {
      input = next ?? empty;
      flush = next === undefined ? finishFlush : defaultFlush;
      inOff = 0;
      inLen = input.length;
      needInput = false;
    },
    inflate(out) {
      handle.writeSync(flush, input, inOff, inLen, out, 0, out.length);
      if (failure !== undefined) throw failure;
      const availOut = state[0] as number;
      const availIn = state[1] as number;
      const consumed = inLen - availIn;
      inOff += consumed;
      inLen = availIn;
      const produced = out.length - availOut;
      // A full output buffer means more is pending: call again. Input left with room to spare
      // means a frame ended: zstd stops at each frame boundary (multi-frame layers are common,
      // and Node's zstd stream wrongly ends there), so go on while that makes progress. Input
      // that makes no progress is trailing bytes past the end, ignored as gunzip does.
      needInput = availOut !== 0 && (availIn === 0 || (consumed === 0 && produced === 0));
      return produced;
    },
    close: () => stream.close(),
  };
}

/**
 * Decompressed chunks of a gzip or zstd stream. Each yielded chunk is a view into one reused
 * buffer, valid until the consumer asks for the next: copy what you keep.
 *
 * Why not the zlib stream: it allocates a fresh output buffer per chunk, and V8 collects such
 * external memory only every ~64 MiB, so a 150 MB layer left ~65 MB of dead buffers in the
 * process (peak RSS 150 MB instead of 90). Driving the zlib handle synchronously into one
 * buffer (`syncInflater`) makes the pass allocation-free and faster. Should a Node version lack
 * the handle, the stream is used instead.
 */
export async function* decompressChunks(
  source: AsyncIterable<Buffer>,
  compression: 'gzip' | 'zstd',
  options: { viaStream?: boolean; into?: OutputSpace } = {},
): AsyncGenerator<Uint8Array> {
  const inflater =
    options.viaStream === true ? undefined : syncInflater(zlib, compression, decompressorChunkBytes, decompressorOf);
  const into = options.into;
  if (inflater === undefined) {
    const chunks = viaStream(source, createDecompressor(compression));
    yield* into === undefined ? chunks : copyInto(chunks, into);
    return;
  }
  const out = into === undefined ? Buffer.allocUnsafe(decompressorChunkBytes) : undefined;
  try {
    const iterator = source[Symbol.asyncIterator]();
    for (;;) {
      if (inflater.needsInput()) {
        if (inflater.finished()) return;
        const next = await iterator.next();
        inflater.push(next.done ? undefined : next.value);
      }
      let target: Uint8Array;
      if (out !== undefined) target = out;
      else {
        const space = (into as OutputSpace).space(decompressorChunkBytes);
        target = space instanceof Uint8Array ? space : await space;
      }
      const produced = inflater.inflate(target);
      into?.take(produced);
      if (produced > 0) yield target.subarray(0, produced);
    }
  } finally {
    inflater.close();
  }
}

/**
 * Memory a consumer lends for the output (a hash ring: the bytes are hashed where they are made): room for
 * `length` bytes at most (it may give less), then how many were written there.
 */
export interface OutputSpace {
  space(length: number): Uint8Array | Promise<Uint8Array>;
  take(length: number): void;
}

/**
 * Chunks copied into `into`, in runs as long as it gives: what is parsed is then the copy, which `into` holds (a
 * hash ring hashes the files' bytes from it). For chunks made elsewhere (a worker, a plain tar, the zlib stream).
 */
export async function* copyInto(chunks: AsyncIterable<Uint8Array>, into: OutputSpace): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) yield* copiedRuns(into, chunk);
}

async function* viaStream(
  source: AsyncIterable<Buffer>,
  decompressor: Gunzip | ZstdDecompress,
): AsyncGenerator<Uint8Array> {
  const done = new Promise<void>((resolve) => {
    // Errors surface through the iteration below; this only keeps the rejection handled.
    pipeline(Readable.from(source, { objectMode: false }), decompressor, () => resolve());
  });
  yield* decompressor as AsyncIterable<Buffer>;
  await done;
}
