/**
 * A worker thread that reads .debs for `readDebs`: the xz inflate of a package's data (WebAssembly) takes most of
 * an assembly, and packages are independent, so each core takes its own.
 */
import { parentPort } from 'node:worker_threads';
import { isSgciError, type Limits } from '../../core/index.ts';
import { readDeb } from './read-deb.ts';

export interface ReadRequest {
  readonly id: number;
  readonly path: string;
  readonly input: string;
  readonly limits: Limits;
  readonly sha256?: string;
}

parentPort?.on('message', async (request: ReadRequest) => {
  try {
    const deb = await readDeb(request.path, request.input, request.limits, request.sha256);
    parentPort?.postMessage({ id: request.id, deb });
  } catch (error) {
    const failure = isSgciError(error)
      ? { code: error.code, input: error.input, message: error.message }
      : { message: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage({ id: request.id, failure });
  }
});
