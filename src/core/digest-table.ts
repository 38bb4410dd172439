import { createHash } from 'node:crypto';

/** Files per chunk of a DigestTable: chunks are added as files come, so a table is never copied to grow. */
const slotsPerChunk = 4096;

/**
 * The digests of many files, as bytes in fixed-size records by file number (`slot`): about 70 bytes a file
 * for md5, sha1 and sha256, where hex strings in maps took several hundred, and an image has hundreds of
 * thousands of files. Hex is made when asked for.
 */
export class DigestTable {
  readonly #lengths: readonly number[];
  readonly #record: number;
  readonly #chunks: Buffer[] = [];
  readonly #present: Uint8Array[] = [];
  #size = 0;

  constructor(algorithms: readonly string[]) {
    this.#lengths = algorithms.map((algorithm) => createHash(algorithm).digest().length);
    this.#record = this.#lengths.reduce((sum, n) => sum + n, 0);
  }

  /** Bytes of one file's digests: those of all algorithms, one after the other. */
  get recordBytes(): number {
    return this.#record;
  }

  /** Files whose digests are in the table. */
  get size(): number {
    return this.#size;
  }

  /** Stores a file's digests, `recordBytes` bytes of `source` from `offset`. */
  set(slot: number, source: Uint8Array, offset = 0): void {
    const chunk = Math.floor(slot / slotsPerChunk);
    while (this.#chunks.length <= chunk) {
      this.#chunks.push(Buffer.alloc(slotsPerChunk * this.#record));
      this.#present.push(new Uint8Array(slotsPerChunk));
    }
    const at = slot % slotsPerChunk;
    (this.#chunks[chunk] as Buffer).set(source.subarray(offset, offset + this.#record), at * this.#record);
    const present = this.#present[chunk] as Uint8Array;
    if (present[at] === 0) this.#size++;
    present[at] = 1;
  }

  /** A file's digests as hex, in the order of the algorithms; undefined for a file not (yet) hashed. */
  get(slot: number): readonly string[] | undefined {
    const chunk = this.#chunks[Math.floor(slot / slotsPerChunk)];
    const at = slot % slotsPerChunk;
    if (chunk === undefined || this.#present[Math.floor(slot / slotsPerChunk)]?.[at] !== 1) return undefined;
    const hexes: string[] = [];
    let offset = at * this.#record;
    for (const length of this.#lengths) {
      hexes.push(chunk.toString('hex', offset, offset + length));
      offset += length;
    }
    return hexes;
  }
}
