/**
 * A worker thread that decompresses one verified `.xz` index for `decompressIndex`: xz-decompress (WebAssembly)
 * takes about a second for each architecture's 50 MB main index, and a build reads one per architecture, so each
 * takes a core of its own. The parent turns a failure into the error naming the index.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { unxz, type XzRequest } from './unxz.ts';

const reply = await unxz(workerData as XzRequest);
parentPort?.postMessage(reply, 'text' in reply ? [reply.text.buffer as ArrayBuffer] : []);
