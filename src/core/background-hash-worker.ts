/** The worker half of BackgroundHasher: hashes batches of file pieces in arrival order. */
import { createHash, type Hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromHashWorker, ToHashWorker } from './background-hash-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('background-hash-worker.ts runs only as a worker thread');
const algorithms = workerData as readonly string[];
const open = new Map<string, Hash[]>();
const done: [string, string[]][] = [];
const post = (message: FromHashWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (message: ToHashWorker) => {
  if (message.kind === 'finish') {
    post({ kind: 'digests', digests: done });
    return;
  }
  const bytes = new Uint8Array(message.bytes);
  let offset = 0;
  for (const { key, length, final } of message.segments) {
    let hashes = open.get(key);
    if (hashes === undefined) {
      hashes = algorithms.map((algorithm) => createHash(algorithm));
      open.set(key, hashes);
    }
    const piece = bytes.subarray(offset, offset + length);
    for (const hash of hashes) hash.update(piece);
    offset += length;
    if (final) {
      open.delete(key);
      done.push([key, hashes.map((hash) => hash.digest('hex'))]);
    }
  }
  post({ kind: 'hashed', bytes: offset, buffer: message.bytes }, [message.bytes]);
});
