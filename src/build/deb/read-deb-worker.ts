/**
 * A worker thread that opens .debs for `readDebs`: the xz inflate of a package's data (WebAssembly) takes most of
 * an assembly from .debs, and packages are independent, so each core takes its own. The decompressed tars go back
 * transferred, not copied; the parent parses them.
 */
import { parentPort } from 'node:worker_threads';
import { isSgciError, type Limits } from '../../core/index.ts';
import { lowerThreadPriority } from '../thread-priority.ts';
import { expandDeb } from './read-deb.ts';

/**
 * One package at a time: a worker is given the next when it has replied. Its first message, `{ ready: true }`,
 * says it has loaded what it uses (`bootWorker`'s end).
 */
export interface ReadRequest {
  readonly path: string;
  readonly input: string;
  readonly limits: Limits;
  readonly sha256?: string;
}

/** The pool is closing: exit between messages (`endWorker`). */
export interface CloseRequest {
  readonly close: true;
}

// decompressing is throughput work: the thread reading the downloads comes first
lowerThreadPriority(5);
parentPort?.on('message', async (request: ReadRequest | CloseRequest) => {
  if ('close' in request) process.exit();
  try {
    const expanded = await expandDeb(request.path, request.input, request.limits, request.sha256);
    // both tars are buffers of their own (never Node's shared pool), so their memory can move to the parent
    parentPort?.postMessage({ expanded }, [
      expanded.control.buffer as ArrayBuffer,
      expanded.data.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    const failure = isSgciError(error)
      ? { code: error.code, input: error.input, message: error.message }
      : { message: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage({ failure });
  }
});
parentPort?.postMessage({ ready: true });
