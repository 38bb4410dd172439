import type { Worker } from 'node:worker_threads';

/**
 * Ends a worker thread between two of its messages: it is sent `message`, on which it exits by itself, and is
 * terminated only when it has not after `graceMs` (a thread stuck in a loop). `Worker.terminate()` stops a thread
 * wherever its JavaScript is, also inside zlib's constructor between the creation of the native handle and its init;
 * Node then closes that handle while it tears the thread down and aborts the whole process ("close before init",
 * Node 24.21, seen once in fs-parallel.test.ts when a pass ended while a worker was starting a layer).
 */
export async function endWorker(worker: Worker, message: unknown, graceMs = 5000): Promise<void> {
  if (worker.threadId === -1) return; // exited already
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage(message);
  const timer = setTimeout(() => void worker.terminate(), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
