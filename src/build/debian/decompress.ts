/**
 * A verified index (Packages, Packages.gz, Packages.xz) decompressed, its size bounded while it is
 * decompressed: a small signed file may still expand without end.
 *
 * `.xz` goes through xz-decompress (xz-embedded compiled to WebAssembly, streaming) rather than
 * @napi-rs/lzma: on bookworm's 50 MB main Packages both took about 1 s, but the stream can stop at the
 * bound where the native call returns the whole output first, and WebAssembly needs no prebuilt binary per
 * platform.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createGunzip, type Gunzip, gunzip } from 'node:zlib';
import { describe, SgciError } from '../../core/index.ts';
import type { ExpectedFile } from './files.ts';
import { unxz as unxzHere, type XzReply, type XzRequest } from './unxz.ts';

export async function decompressIndex(
  bytes: Uint8Array,
  path: string,
  maxBytes: number,
  input: string,
  expectedBytes?: number,
): Promise<Uint8Array> {
  if (path.endsWith('.gz')) {
    try {
      // on libuv's pool, beside this thread's work (the indices of two architectures side by side); in 1 MiB
      // pieces, where zlib's default of 16 KiB made 3,000 of them to join for a 50 MB index
      return await inflateGzip(bytes, { maxOutputLength: maxBytes, chunkSize: gzipPieceBytes });
    } catch (error) {
      throw gzipFailure(error, input);
    }
  }
  if (path.endsWith('.xz')) return unxz({ bytes, maxBytes, ...(expectedBytes ? { expectedBytes } : {}) }, input);
  return bytes;
}

const inflateGzip = promisify(gunzip);
const gzipPieceBytes = 1024 * 1024;

function gzipFailure(error: unknown, input: string): SgciError {
  const code =
    (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'LIMIT_EXCEEDED' : 'REPOSITORY_INVALID';
  return new SgciError(code, input, `cannot decompress: ${describe(error)}`, { cause: error });
}

/** Pieces zlib handed out as one: a view when they lie one after the other in one buffer, else a copy. */
function joined(pieces: readonly Buffer[], length: number): Buffer {
  const [first] = pieces;
  if (first === undefined) return Buffer.alloc(0);
  let next = first.byteOffset;
  for (const piece of pieces) {
    if (piece.buffer !== first.buffer || piece.byteOffset !== next) return Buffer.concat(pieces, length);
    next += piece.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, length);
}

/**
 * A `.gz` index inflated on libuv's pool while it downloads, so that its decompression ends with its last byte
 * instead of starting there (over a 100 Mbit/s line a 50 MB index's 0.2 s). The pieces are not verified yet: what
 * comes out is only handed on (`end`) once the caller has checked the whole download against the Release, as
 * containerd unpacks a layer while its digest is still being computed; unverified text is never parsed. Bounded
 * as `decompressIndex` is.
 */
export class GunzipAsItComes {
  readonly #inflate: Gunzip;
  readonly #out: Buffer[] = [];
  readonly #done: Promise<Buffer>;
  readonly #hash = createHash('sha256');
  readonly #textHash = createHash('sha256');
  #given = 0;
  #produced = 0;
  /** The inflated text's sha256, once `end` has returned it: hashed piece by piece as it came. */
  textSha256: string | undefined;

  /**
   * `expectedBytes`: the size the Release gives the plain index. zlib then inflates into one buffer of that size
   * (and a byte more, to see a longer text), and the pieces it hands out are views of it: no 50 MB copy to join
   * them on this thread at the end (0.13 s here, most of it page faults on the fresh memory).
   */
  constructor(maxBytes: number, input: string, expectedBytes?: number) {
    const whole = expectedBytes !== undefined && expectedBytes < maxBytes ? expectedBytes + 1 : undefined;
    this.#inflate = createGunzip({ chunkSize: whole ?? gzipPieceBytes });
    this.#done = new Promise<Buffer>((resolve, reject) => {
      this.#inflate.on('data', (piece: Buffer) => {
        this.#produced += piece.length;
        if (this.#produced > maxBytes) {
          this.#inflate.destroy(new SgciError('LIMIT_EXCEEDED', input, `decompresses to more than ${maxBytes} bytes`));
          return;
        }
        this.#out.push(piece);
        // while the download is still under way this thread has little else to do
        this.#textHash.update(piece);
      });
      this.#inflate.on('error', (error) => reject(error instanceof SgciError ? error : gzipFailure(error, input)));
      this.#inflate.once('end', () => {
        this.textSha256 = this.#textHash.digest('hex');
        resolve(joined(this.#out, this.#produced));
      });
    });
    this.#done.catch(() => undefined); // reported by `end`; a download that failed has its own error
  }

  /** A piece of the download, in order: a `RepositoryRead`'s `received`. */
  readonly write = (piece: Uint8Array): void => {
    this.#given += piece.length;
    this.#hash.update(piece);
    if (!this.#inflate.destroyed) this.#inflate.write(piece);
  };

  /**
   * The inflated text once the download is verified against `expected` (the Release's entry); `undefined` when the
   * pieces were not that file (it came from the cache, or another request fetched it): inflate it whole then.
   * The pieces are hashed as they come, so what was inflated is checked here too, not only the download.
   */
  async end(expected: ExpectedFile): Promise<Uint8Array | undefined> {
    if (this.#given !== expected.size || this.#hash.digest('hex') !== expected.sha256) {
      this.abort();
      return undefined;
    }
    if (!this.#inflate.destroyed) this.#inflate.end();
    return this.#done;
  }

  /** Stops inflating (the download failed, or was not needed). */
  abort(): void {
    this.#inflate.destroy();
  }
}

/** Below this many compressed bytes a worker's start-up costs more than decompressing here. */
const workerFloorBytes = 1024 * 1024;

/** xz in a worker thread (`decompress-worker.ts`) when the index is large and there is a core for it, else here. */
async function unxz(request: XzRequest, input: string): Promise<Uint8Array> {
  const { maxBytes } = request;
  const reply =
    request.bytes.length >= workerFloorBytes && availableParallelism() > 1
      ? await inWorker(request)
      : await unxzHere(request);
  if ('failure' in reply) throw new SgciError('REPOSITORY_INVALID', input, `cannot decompress xz: ${reply.failure}`);
  if ('tooLarge' in reply) throw new SgciError('LIMIT_EXCEEDED', input, `decompresses to more than ${maxBytes} bytes`);
  return Buffer.from(reply.text.buffer, reply.text.byteOffset, reply.text.byteLength);
}

function inWorker(request: XzRequest): Promise<XzReply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./decompress-worker.ts', import.meta.url), { workerData: request });
    worker.once('message', (reply: XzReply) => {
      resolve(reply);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the xz worker exited with ${code} before it replied`)));
  });
}
