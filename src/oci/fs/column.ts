/** Values per chunk of a Column: chunks are added as rows come, so a column is never copied to grow. */
const chunkBits = 14;
const chunkRows = 1 << chunkBits;
const rowMask = chunkRows - 1;

type Chunk = { [row: number]: number; fill(value: number): unknown };

/**
 * One numeric field of many rows in typed-array chunks: 1–8 bytes a row instead of a property of an
 * object (8 bytes a field plus a header per object on a 64-bit heap), and nothing for the collector to trace.
 */
export class Column {
  readonly #chunks: Chunk[] = [];
  readonly #make: (rows: number) => Chunk;
  readonly #empty: number;

  /** `make` allocates a chunk (`(n) => new Int32Array(n)`); rows never set read as `empty`. */
  constructor(make: (rows: number) => Chunk, empty = 0) {
    this.#make = make;
    this.#empty = empty;
  }

  get(row: number): number {
    const chunk = this.#chunks[row >>> chunkBits];
    return chunk === undefined ? this.#empty : (chunk[row & rowMask] as number);
  }

  set(row: number, value: number): void {
    const at = row >>> chunkBits;
    while (this.#chunks.length <= at) {
      const chunk = this.#make(chunkRows);
      if (this.#empty !== 0) chunk.fill(this.#empty);
      this.#chunks.push(chunk);
    }
    (this.#chunks[at] as Chunk)[row & rowMask] = value;
  }
}
