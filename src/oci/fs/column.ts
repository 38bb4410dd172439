/**
 * Rows per chunk of the tables' typed-array columns: chunks are added as rows come, so a column is never
 * copied to grow (and never holds twice its size while it does).
 */
export const chunkBits = 14;
export const chunkRows = 1 << chunkBits;
export const rowMask = chunkRows - 1;

/**
 * One Int32 field of many rows in chunks, -1 where never set. Only Int32 arrays pass through here, so the
 * element accesses stay monomorphic (tables with fields of several types keep one record of arrays per chunk).
 */
export class Int32Column {
  readonly #chunks: Int32Array[] = [];

  get(row: number): number {
    const chunk = this.#chunks[row >>> chunkBits];
    return chunk === undefined ? -1 : (chunk[row & rowMask] as number);
  }

  set(row: number, value: number): void {
    const at = row >>> chunkBits;
    while (this.#chunks.length <= at) this.#chunks.push(new Int32Array(chunkRows).fill(-1));
    (this.#chunks[at] as Int32Array)[row & rowMask] = value;
  }
}
