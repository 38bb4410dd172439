/** Messages between BackgroundHasher (background-hash.ts) and its worker (background-hash-worker.ts). */

/** One file's bytes in a batch; a file may span batches, its last piece marked `final`. */
export interface Segment {
  readonly key: string;
  readonly length: number;
  readonly final: boolean;
}

export type ToHashWorker =
  | { readonly kind: 'batch'; readonly bytes: ArrayBuffer; readonly segments: readonly Segment[] }
  | { readonly kind: 'finish' };

export type FromHashWorker =
  /** A batch was hashed: its buffer comes back for reuse. */
  | { readonly kind: 'hashed'; readonly bytes: number; readonly buffer: ArrayBuffer }
  | { readonly kind: 'digests'; readonly digests: readonly (readonly [string, readonly string[]])[] };
