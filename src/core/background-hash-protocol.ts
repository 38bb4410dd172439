/** Messages between BackgroundHasher (background-hash.ts) and its worker (the `hashWorker` function there). */

/** One file's bytes in a batch; a file may span batches, its last piece marked `final`. */
export interface Segment {
  /** The file's number, as `BackgroundHasher.begin` gave it. */
  readonly slot: number;
  readonly length: number;
  readonly final: boolean;
}

export type ToHashWorker =
  | { readonly kind: 'batch'; readonly bytes: ArrayBuffer; readonly segments: readonly Segment[] }
  | { readonly kind: 'finish' };

export type FromHashWorker =
  /**
   * A batch was hashed: its buffer comes back for reuse, with the digests of the files it finished, as
   * bytes (all algorithms of one file after another, in the order of `slots`). Nothing stays in the worker.
   */
  | {
      readonly kind: 'hashed';
      readonly bytes: number;
      readonly buffer: ArrayBuffer;
      readonly slots: readonly number[];
      readonly digests: ArrayBuffer;
    }
  /** Every batch before `finish` has been answered. */
  | { readonly kind: 'finished' };
