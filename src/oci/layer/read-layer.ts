import { createHash, type Hash } from 'node:crypto';
import {
  type Digest,
  describe,
  digestAlgorithm,
  type HashedStream,
  HashWorkerError,
  isSgciError,
  isVerifiedChunks,
  type Limits,
  SgciError,
  type StreamHasher,
} from '../../core/index.ts';
import type { Layer } from '../types.ts';
import { type Compression, compressionFromMagic, compressionFromMediaType } from './compression.ts';
import { copyInto, decompressChunks } from './decompress.ts';
import type { InflatePool } from './inflate-pool.ts';
import { type TarHandler, TarParser } from './tar-parser.ts';

/** Past this many uncompressed bytes the compression ratio of a layer is checked (Limits doc). */
export const compressionRatioFloor = 64 * 1024 * 1024;

/** Counters shared by all layers of one image, so image-wide limits hold across layers. */
export interface ImageBudget {
  uncompressedBytes: number;
  entries: number;
}

export interface LayerHandler extends TarHandler {
  /** Awaited after each chunk, so asynchronous consumers (visitors) keep pace without buffering. */
  settle(): Promise<void> | undefined;
}

export interface ReadLayerOptions {
  readonly limits: Limits;
  readonly budget: ImageBudget;
  readonly signal?: AbortSignal;
  readonly onWarning: (reason: string) => void;
  /** See OpenLayerOptions.streams: for a layer the pass opens itself. */
  readonly streams?: StreamHasher;
}

export interface LayerReadResult {
  readonly compression: Compression;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly entries: number;
  /**
   * Settles once the uncompressed stream was checked against the layer's diffID: true when it was, false when
   * there was nothing to check; DIGEST_MISMATCH when it (or the blob, when its digest was hashed there too) does
   * not match. Already settled unless the layer was hashed on a `StreamHasher`, whose worker may still be behind:
   * the caller must await it.
   */
  readonly diffIdVerified: Promise<boolean>;
}

/** Compressed size from which a layer is inflated on a worker when there is a pool. */
export const minWorkerLayerBytes = 1024 * 1024;

/** A layer's uncompressed tar stream, opened (and, with a pool, being inflated ahead) before the pass reads it. */
export interface LayerBytes {
  readonly compression: Compression;
  /** Warnings found opening the blob, given to `onWarning` when the pass reaches this layer. */
  readonly warnings: readonly string[];
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Compressed bytes behind the uncompressed bytes read so far. */
  compressedBytes(): number;
  /** The diffID the uncompressed bytes have, once read to the end; undefined when they are not hashed. */
  diffId(): Promise<Digest | undefined>;
  /** After a failure: the blob's DIGEST_MISMATCH when it is not what its digest names (see integrityFailure). */
  integrity(): Promise<SgciError | undefined>;
  /** Stops reading the blob (and its worker): a bomb must not be read to its end. */
  stop(): Promise<void>;
}

export interface OpenLayerOptions {
  readonly limits: Limits;
  readonly signal?: AbortSignal;
  /** Workers to inflate on; without, the calling thread decompresses and hashes as it reads. */
  readonly pool?: InflatePool;
  /** Compressed size from which a layer goes to the pool; default `minWorkerLayerBytes`. */
  readonly minWorkerBytes?: number;
  /** Hash the diffID on the calling thread even when a worker inflates: for passes with time to spare there. */
  readonly hashInPass?: boolean;
  /**
   * Where the uncompressed bytes go to be hashed for the diffID (unless a worker inflating them hashes them),
   * off the calling thread; the sinks that hash files take their bytes from there too (see StreamHasher).
   */
  readonly streams?: StreamHasher;
}

/**
 * Opens one layer blob: decompression chosen by magic bytes (the media type only cross-checked), the
 * compressed size bounded by maxBlobBytes, the uncompressed bytes hashed for the diffID. With a pool,
 * a worker inflates and hashes while the pass reads earlier layers, up to its read-ahead.
 */
export async function openLayerBytes(layer: Layer, options: OpenLayerOptions): Promise<LayerBytes> {
  const { limits, signal } = options;
  const label = `layer ${layer.index}`;
  const input = layer.digest;
  signal?.throwIfAborted();
  const source = await layer.open().catch((error: unknown) => {
    throw readError(error, input, label);
  });
  // Without a pool the blob is read only as the pass needs its bytes, between two runs of the layer's stream:
  // its digest can then be hashed on the hash worker too. (A pool's feeder reads blobs ahead, mid-run.)
  const streams = options.streams;
  const blob = streams !== undefined && options.pool === undefined && isVerifiedChunks(source) ? source : undefined;
  if (blob !== undefined && streams !== undefined)
    blob.hashOn(streams.stream(digestAlgorithm(layer.digest), layer.size));
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();

  let compressedBytes = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  let exhausted = false;
  try {
    while (headBytes < 4) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
  } catch (error) {
    throw readError(error, input, label);
  }
  compressedBytes = headBytes;
  const compression = compressionFromMagic(head.length === 1 ? (head[0] as Buffer) : Buffer.concat(head));
  const claimed = compressionFromMediaType(layer.mediaType);
  const warnings: string[] = [];
  if (claimed !== undefined && claimed !== compression) {
    warnings.push(
      `${label}: media type ${layer.mediaType} says ${claimed} but the content is ${compression === 'none' ? 'uncompressed' : compression}; read as ${compression === 'none' ? 'tar' : compression}`,
    );
  }

  async function* compressedChunks(): AsyncGenerator<Buffer> {
    yield* head;
    if (exhausted) return;
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw readError(error, input, label);
      }
      if (next.done) return;
      compressedBytes += next.value.length;
      if (compressedBytes > limits.maxBlobBytes) {
        throw new SgciError(
          'LIMIT_EXCEEDED',
          input,
          `${label}: blob is larger than maxBlobBytes ${limits.maxBlobBytes}`,
        );
      }
      yield next.value;
    }
  }

  // An uncompressed blob whose digest is its diffID (docker save) is already verified by open():
  // hashing the same bytes twice would double the cost of the pass for nothing.
  const verifiedByBlob = compression === 'none' && layer.diffId === layer.digest;
  const algorithm = layer.diffId && !verifiedByBlob ? digestAlgorithm(layer.diffId) : undefined;
  // A small blob inflates here sooner than a worker thread boots (~40 ms of a core).
  const inWorker =
    compression !== 'none' &&
    options.pool !== undefined &&
    layer.size >= (options.minWorkerBytes ?? minWorkerLayerBytes);
  const workerHashes = inWorker && options.hashInPass !== true;
  const inflation = inWorker
    ? options.pool?.inflate(
        compressedChunks(),
        compression,
        workerHashes ? algorithm : undefined,
        () => compressedBytes,
      )
    : undefined;
  const stream = streams?.stream(workerHashes ? undefined : algorithm, layer.size);
  const hash: Hash | undefined =
    algorithm !== undefined && !workerHashes && stream === undefined ? createHash(algorithm) : undefined;
  // Inflated on this thread into the stream's ring: the bytes are hashed where they were made.
  const direct = stream !== undefined && inflation === undefined && compression !== 'none';
  const made =
    inflation ??
    (compression === 'none'
      ? compressedChunks()
      : decompressChunks(compressedChunks(), compression, direct ? { into: stream } : {}));
  let streamed: Promise<string | undefined> | undefined;
  const chunks: AsyncIterable<Uint8Array> =
    stream !== undefined
      ? ending(direct ? made : copyInto(made, stream), stream, (digest) => {
          streamed = digest;
        })
      : inflation !== undefined && workerHashes
        ? inflation
        : hashing(made, hash);
  return {
    compression,
    warnings,
    chunks,
    // The worker reads ahead of what it has inflated: the ratio is of what went into the output so far,
    // as counted on this thread when those bytes were read.
    compressedBytes: () => (inflation === undefined ? compressedBytes : inflation.fed),
    async diffId() {
      // A blob that is not what its digest names is the first verdict, as it is when this thread hashes it.
      const tampered = await blob?.verdict().catch((error: unknown) => {
        throw wrapError(error, input, label, compression);
      });
      if (tampered !== undefined) throw tampered;
      const hex = workerHashes
        ? inflation?.digest
        : stream !== undefined
          ? await streamed?.catch((error: unknown) => {
              throw wrapError(error, input, label, compression);
            })
          : hash?.digest('hex');
      return algorithm === undefined || hex === undefined ? undefined : (`${algorithm}:${hex}` as Digest);
    },
    async integrity() {
      if (inflation === undefined) {
        const failure = await integrityFailure(iterator, limits, compressedBytes);
        return failure ?? (await blob?.verdict().catch(() => undefined));
      }
      await inflation.stop();
      // The worker's feeder may have read to the end already: its failure is the verdict then.
      const fed = inflation.feedFailure;
      if (fed !== undefined) return isSgciError(fed, 'DIGEST_MISMATCH') ? fed : undefined;
      return integrityFailure(iterator, limits, compressedBytes);
    },
    async stop() {
      (source as { destroy?: (error?: Error) => void }).destroy?.();
      iterator.return?.().catch(() => undefined);
      await inflation?.stop();
    },
  };
}

/** The chunks, then the stream's end: `ended` gets its digest, which the worker may still be hashing. */
async function* ending(
  chunks: AsyncIterable<Uint8Array>,
  stream: HashedStream,
  ended: (digest: Promise<string | undefined>) => void,
): AsyncGenerator<Uint8Array> {
  yield* chunks;
  ended(stream.end());
}

async function* hashing(chunks: AsyncIterable<Uint8Array>, hash: Hash | undefined): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    hash?.update(chunk);
    yield chunk;
  }
}

/**
 * Streams one layer through the tar parser within the size, ratio and entry limits, and verifies the
 * uncompressed bytes against the diffID. Nothing is buffered beyond one chunk, or the pool's read-ahead
 * when `bytes` were opened on one.
 */
export async function readLayer(
  layer: Layer,
  handler: LayerHandler,
  options: ReadLayerOptions,
  opened?: Promise<LayerBytes>,
): Promise<LayerReadResult> {
  const { limits, budget, signal } = options;
  const label = `layer ${layer.index}`;
  const input = layer.digest;
  const bytes = await (opened ?? openLayerBytes(layer, options));
  const { compression } = bytes;
  for (const warning of bytes.warnings) options.onWarning(warning);

  const parser = new TarParser(
    {
      onEntry(header) {
        budget.entries++;
        if (budget.entries > limits.maxEntries) {
          throw new SgciError(
            'LIMIT_EXCEEDED',
            input,
            `${label}: more than maxEntries ${limits.maxEntries} tar entries in the image`,
          );
        }
        return handler.onEntry(header);
      },
      onData: (data) => handler.onData(data),
      onEntryEnd: () => handler.onEntryEnd(),
    },
    limits,
    input,
    label,
  );
  let uncompressedBytes = 0;
  try {
    for await (const chunk of bytes.chunks) {
      signal?.throwIfAborted();
      uncompressedBytes += chunk.length;
      budget.uncompressedBytes += chunk.length;
      if (uncompressedBytes > limits.maxLayerBytes) {
        throw new SgciError(
          'LIMIT_EXCEEDED',
          input,
          `${label}: uncompressed content exceeds maxLayerBytes ${limits.maxLayerBytes}`,
        );
      }
      if (budget.uncompressedBytes > limits.maxImageBytes) {
        throw new SgciError(
          'LIMIT_EXCEEDED',
          input,
          `${label}: uncompressed content of the image exceeds maxImageBytes ${limits.maxImageBytes}`,
        );
      }
      const compressedBytes = bytes.compressedBytes();
      if (
        compression !== 'none' &&
        uncompressedBytes > compressionRatioFloor &&
        uncompressedBytes > limits.maxCompressionRatio * compressedBytes
      ) {
        throw new SgciError(
          'LIMIT_EXCEEDED',
          input,
          `${label}: decompresses more than maxCompressionRatio ${limits.maxCompressionRatio}x (${uncompressedBytes} bytes from ${compressedBytes}): a compression bomb`,
        );
      }
      parser.write(chunk);
      const settling = handler.settle();
      if (settling !== undefined) await settling;
    }
    parser.end();
  } catch (error) {
    if (signal?.aborted) {
      await bytes.stop();
      throw signal.reason;
    }
    const failure = wrapError(error, input, label, compression);
    // Content that does not decompress or parse may be a blob tampered with: its digest, which
    // the source checks at the end of the blob, is the verdict that names the cause.
    const integrity = failure.code === 'LAYER_CORRUPT' ? await bytes.integrity() : undefined;
    // Otherwise stop reading the blob at once: a bomb must not be read to its end.
    await bytes.stop();
    throw integrity ?? failure;
  }

  const verdict = bytes.diffId().then((actual) => {
    if (actual !== undefined && layer.diffId !== undefined && actual !== layer.diffId) {
      throw new SgciError(
        'DIGEST_MISMATCH',
        input,
        `${label}: uncompressed content does not match diffID ${layer.diffId} (got ${actual})`,
      );
    }
    return actual !== undefined || (compression === 'none' && layer.diffId === layer.digest);
  });
  // A caller that fails on another layer first may never ask: that must not be an unhandled rejection.
  verdict.catch(() => undefined);
  return {
    compression,
    compressedBytes: bytes.compressedBytes(),
    uncompressedBytes,
    entries: parser.entries,
    diffIdVerified: verdict,
  };
}

/** The blob could not be read (I/O, network): the source's own SgciError, else IO_ERROR. */
function readError(error: unknown, input: string, label: string): SgciError {
  if (error instanceof SgciError) return error;
  if (error instanceof HashWorkerError) return hashWorkerFailure(error, input, label);
  return new SgciError('IO_ERROR', input, `${label}: reading the blob failed (${describe(error)})`, { cause: error });
}

/**
 * Reads the rest of the blob, within maxBlobBytes, so that the source's digest check runs; returns
 * its DIGEST_MISMATCH, or undefined when the blob is what its digest names (or cannot be read on).
 */
async function integrityFailure(
  iterator: AsyncIterator<Buffer>,
  limits: Limits,
  readSoFar: number,
): Promise<SgciError | undefined> {
  let bytes = readSoFar;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return undefined;
      bytes += next.value.length;
      if (bytes > limits.maxBlobBytes) return undefined;
    }
  } catch (error) {
    return isSgciError(error, 'DIGEST_MISMATCH') ? error : undefined;
  }
}

function wrapError(error: unknown, input: string, label: string, compression: Compression): SgciError {
  if (error instanceof SgciError) return error;
  if (error instanceof HashWorkerError) return hashWorkerFailure(error, input, label);
  const what = compression === 'none' ? 'layer stream' : `${compression} stream`;
  return new SgciError('LAYER_CORRUPT', input, `${label}: ${what} is corrupt or truncated (${describe(error)})`, {
    cause: error,
  });
}

/** Not the layer's fault: the thread hashing it is gone, and the pass cannot vouch for the layer. */
function hashWorkerFailure(error: HashWorkerError, input: string, label: string): SgciError {
  return new SgciError('IO_ERROR', input, `${label}: ${error.message}`, { cause: error });
}
