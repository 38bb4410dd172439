import type { control as controlWords, FromHashWorker, HashWorkerData, op as ops } from './background-hash-protocol.ts';
import { control, op } from './background-hash-protocol.ts';

/** File slots whose digests wait for one message: fewer messages, each a wake-up of the pass's thread. */
const answerEvery = 512;

/** The worker's source text: `hashWorker` with the ring's layout, self-contained. */
export function hashWorkerSource(): string {
  return `(${hashWorker.toString()})(${JSON.stringify(control)}, ${JSON.stringify(op)}, ${answerEvery})`;
}

/**
 * The worker. It runs from its own source text (`eval`), so the thread starts in ~30 ms: a worker started from a
 * .ts file loads Node's TypeScript stripper first, ~170 ms of a second core. So it must be self-contained: no
 * imports, builtins through getBuiltinModule. It blocks in Atomics.wait while the ring is empty (it has nothing
 * else to do) and posts digests as messages: the pass's thread reads them between chunks.
 */
function hashWorker(at: typeof controlWords, kinds: typeof ops, answerAfter: number): void {
  const { createHash } = process.getBuiltinModule('node:crypto');
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const port = parentPort;
  if (port === null) return;
  port.postMessage({ kind: 'ready' } satisfies FromHashWorker);
  const { buffer, records: recordCount, dataBytes, sets } = workerData as HashWorkerData;
  const words = new Int32Array(buffer, 0, 8);
  const records = new Int32Array(buffer, 32, recordCount * 4);
  const data = new Uint8Array(buffer, 32 + recordCount * 16, dataBytes);
  /** Slots being hashed: the algorithms of their set they are hashed with (a mask), and their hashes. */
  const open = new Map<number, { mask: number; hashes: ReturnType<typeof createHash>[] }>();
  let slots: number[] = [];
  let masks: number[] = [];
  let digests: Buffer[] = [];
  const post = (message: FromHashWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const answer = () => {
    if (slots.length === 0) return;
    const bytes = Buffer.concat(digests);
    // a fresh copy of exactly its bytes: a small Buffer shares Node's pool, which cannot be transferred
    const transferable = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    post({ kind: 'hashed', slots, masks, digests: transferable }, [transferable]);
    slots = [];
    masks = [];
    digests = [];
  };
  let done = 0;
  try {
    for (;;) {
      const written = Atomics.load(words, at.written);
      if (written === done) {
        answer();
        // Say so before the last look: a record published after it finds the flag set and wakes this thread.
        Atomics.store(words, at.sleeping, 1);
        if (Atomics.load(words, at.written) === written) Atomics.wait(words, at.written, written);
        Atomics.store(words, at.sleeping, 0);
        continue;
      }
      while (done !== written) {
        const r = (done & (recordCount - 1)) * 4;
        const code = records[r] as number;
        const slot = records[r + 1] as number;
        const position = records[r + 2] as number;
        const length = records[r + 3] as number;
        const kind = code & 0xff;
        done = (done + 1) | 0;
        if (kind === kinds.release) {
          Atomics.store(words, at.released, position);
          continue;
        }
        if (kind === kinds.finish) {
          answer();
          Atomics.store(words, at.done, done);
          post({ kind: 'finished' });
          return;
        }
        let file = open.get(slot);
        if (file === undefined) {
          const set = sets[(code >> 8) & 0xff] as readonly string[];
          const mask = code >>> 16 || (1 << set.length) - 1;
          const hashes = set.filter((_, i) => (mask >> i) & 1).map((algorithm) => createHash(algorithm));
          file = { mask, hashes };
          open.set(slot, file);
        }
        const hashes = file.hashes;
        if (length > 0) {
          // A record may run past the end of the ring (bytes copied in two parts): hash both.
          const from = (position >>> 0) % dataBytes;
          const first = Math.min(length, dataBytes - from);
          for (const hash of hashes) hash.update(data.subarray(from, from + first));
          if (first < length) for (const hash of hashes) hash.update(data.subarray(0, length - first));
        }
        if (kind !== kinds.last) continue;
        open.delete(slot);
        if (slot < 0) {
          post({ kind: 'stream', slot, hex: (hashes[0] as ReturnType<typeof createHash>).digest('hex') });
          continue;
        }
        slots.push(slot);
        masks.push(file.mask);
        for (const hash of hashes) digests.push(hash.digest());
        if (slots.length >= answerAfter) answer();
      }
      Atomics.store(words, at.done, done);
      Atomics.notify(words, at.done);
    }
  } catch (error) {
    Atomics.store(words, at.failed, 1);
    Atomics.notify(words, at.done);
    post({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}
