/**
 * The hash ring shared by BackgroundHasher (background-hash.ts) and its worker (background-hash-worker.ts): one
 * SharedArrayBuffer holding a few counters, a ring of fixed-size records and a ring of bytes. The pass's thread
 * writes bytes and records; the worker hashes what the records name and releases the bytes behind it.
 */

/** Positions in the control words (Int32). */
export const control = {
  /** Records the pass has published (a counter, wrapping at 2^32). */
  written: 0,
  /** Records the worker has finished; the pass waits on this word for room. */
  done: 1,
  /** Byte position before which the worker needs no byte any more (a counter, wrapping at 2^32). */
  released: 2,
  /** 0 while the worker runs; 1 once it failed (it says why in an `error` message). */
  failed: 3,
  /**
   * 1 while the worker sleeps (or is about to) for want of records: only then does the pass wake it. A wake-up
   * is a system call, and the pass publishes a few thousand times a second.
   */
  sleeping: 4,
} as const;
export const controlWords = 8;

/**
 * A record: `[op, slot, position, length]`, Int32 each; `op` is the kind, plus the algorithm set × 256, plus
 * for a file the algorithms of the set it is hashed with × 65536 (a mask, bit i for the set's i-th; 0: all).
 */
export const recordWords = 4;

/** What a file's records add to `op`: set 0, with the algorithms in `mask` (see `recordWords`), × 256 as a set is. */
export function fileSet(mask: number): number {
  return mask << 8;
}

export const op = {
  /** `length` bytes of the slot's input at `position` (opens the slot on its first record). */
  data: 1,
  /** The same, the slot's last bytes: its digests are made. */
  last: 2,
  /** Everything before `position` is no longer named by any later record. */
  release: 3,
  /** No more records: answer with what is left, then stop. */
  finish: 4,
} as const;

/** What the worker is started with. */
export interface HashWorkerData {
  readonly buffer: SharedArrayBuffer;
  readonly records: number;
  readonly dataBytes: number;
  /** Algorithm sets by number; a record names the set its slot is hashed with. */
  readonly sets: readonly (readonly string[])[];
}

export type FromHashWorker =
  /**
   * Digests of finished file slots (slot ≥ 0), as bytes: each slot's algorithms (`masks`, as its records named
   * them) one after the other, in `slots` order.
   */
  | {
      readonly kind: 'hashed';
      readonly slots: readonly number[];
      readonly masks: readonly number[];
      readonly digests: ArrayBuffer;
    }
  /** A stream slot (slot < 0) finished: its digest as hex, at once, since a layer's verdict waits for it. */
  | { readonly kind: 'stream'; readonly slot: number; readonly hex: string }
  /** Every record before `finish` has been answered. */
  | { readonly kind: 'finished' }
  /** The worker has loaded the built-ins it uses (its first message): `bootWorker`'s end. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'error'; readonly message: string };
