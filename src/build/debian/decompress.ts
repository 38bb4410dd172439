/**
 * A verified index (Packages, Packages.gz, Packages.xz) decompressed, its size bounded while it is
 * decompressed: a small signed file may still expand without end.
 *
 * `.xz` goes through xz-decompress (xz-embedded compiled to WebAssembly, streaming) rather than
 * @napi-rs/lzma: on bookworm's 50 MB main Packages both took about 1 s, but the stream can stop at the
 * bound where the native call returns the whole output first, and WebAssembly needs no prebuilt binary per
 * platform.
 */
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { gunzip } from 'node:zlib';
import { describe, SgciError } from '../../core/index.ts';
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
      const code =
        (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'LIMIT_EXCEEDED' : 'REPOSITORY_INVALID';
      throw new SgciError(code, input, `cannot decompress: ${describe(error)}`, { cause: error });
    }
  }
  if (path.endsWith('.xz')) return unxz({ bytes, maxBytes, ...(expectedBytes ? { expectedBytes } : {}) }, input);
  return bytes;
}

const inflateGzip = promisify(gunzip);
const gzipPieceBytes = 1024 * 1024;

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
