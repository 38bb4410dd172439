import { createHash } from 'node:crypto';

/** Files per chunk of a DigestTable: chunks are added as files come, so a table is never copied to grow. */
const slotsPerChunk = 4096;

/** Set in a slot's state byte once the file was hashed; the low bits say with which algorithms. */
const hashedFlag = 0x80;

/**
 * The digests of many files, as bytes by file number (`slot`), each algorithm in chunks of its own made when a
 * file of the chunk is first hashed with it: 17 bytes a file hashed with md5 only (dpkg's), 69 for md5, sha1 and
 * sha256, where hex strings in maps took several hundred, and an image has hundreds of thousands of files (a
 * 2 GB image's scan holds 15 MiB less than with every algorithm's room in every chunk). Hex is made when asked
 * for.
 *
 * A file may be hashed with some of the algorithms only (a bitmask over them, bit i for `algorithms[i]`): the
 * table then tells "hashed, but not with this algorithm" (undefined in the file's list) from "not hashed"
 * (no list), which a reader must not mistake for each other (an absent file is not an unverified one).
 */
export class DigestTable {
  readonly #lengths: readonly number[];
  /** Per algorithm, its chunks (undefined: no file of the chunk was hashed with it). */
  readonly #chunks: (Buffer | undefined)[][];
  /** Per slot: 0 when not hashed, else `hashedFlag` | the algorithms taken. */
  readonly #taken: Uint8Array[] = [];
  #size = 0;

  constructor(algorithms: readonly string[]) {
    if (algorithms.length > 7) throw new Error(`a DigestTable holds 7 algorithms at most, not ${algorithms.length}`);
    this.#lengths = algorithms.map((algorithm) => createHash(algorithm).digest().length);
    this.#chunks = algorithms.map(() => []);
  }

  /** The mask naming every algorithm of the table. */
  get allAlgorithms(): number {
    return (1 << this.#lengths.length) - 1;
  }

  /** Throws when `mask` names no algorithm or one the table does not have: a programming error of `caller`. */
  checkMask(mask: number, caller: string): void {
    if (mask <= 0 || (mask & ~this.allAlgorithms) !== 0) throw new Error(`${caller} with algorithm mask ${mask}`);
  }

  /** Bytes of the digests of the algorithms in `mask`, one after the other: what `set` reads. */
  bytesOf(mask: number): number {
    let bytes = 0;
    // indexed loops here and in `set`: both run once per hashed file, where `entries()` made an iterator and a
    // pair per step for the collector (issue 17)
    for (let i = 0; i < this.#lengths.length; i++) if ((mask >> i) & 1) bytes += this.#lengths[i] as number;
    return bytes;
  }

  /** Files whose digests are in the table. */
  get size(): number {
    return this.#size;
  }

  /**
   * Stores a file's digests of the algorithms in `mask` (all by default): `bytesOf(mask)` bytes of `source` from
   * `offset`, those of the algorithms in the table's order.
   */
  set(slot: number, source: Uint8Array, offset = 0, mask = this.allAlgorithms): void {
    this.checkMask(mask, 'DigestTable.set');
    const chunk = Math.floor(slot / slotsPerChunk);
    while (this.#taken.length <= chunk) this.#taken.push(new Uint8Array(slotsPerChunk));
    const at = slot % slotsPerChunk;
    let from = offset;
    for (let i = 0; i < this.#lengths.length; i++) {
      if (((mask >> i) & 1) === 0) continue;
      const length = this.#lengths[i] as number;
      const chunks = this.#chunks[i] as (Buffer | undefined)[];
      let bytes = chunks[chunk];
      if (bytes === undefined) {
        bytes = Buffer.alloc(slotsPerChunk * length);
        chunks[chunk] = bytes;
      }
      const to = at * length;
      for (let b = 0; b < length; b++) bytes[to + b] = source[from + b] as number;
      from += length;
    }
    const taken = this.#taken[chunk] as Uint8Array;
    if (taken[at] === 0) this.#size++;
    taken[at] = hashedFlag | mask;
  }

  /**
   * A file's digests as hex, in the order of the algorithms, undefined for an algorithm the file was not hashed
   * with; undefined for a file not (yet) hashed at all.
   */
  get(slot: number): readonly (string | undefined)[] | undefined {
    const chunk = Math.floor(slot / slotsPerChunk);
    const at = slot % slotsPerChunk;
    const taken = this.#taken[chunk]?.[at] ?? 0;
    if (taken === 0) return undefined;
    const hexes: (string | undefined)[] = [];
    for (let i = 0; i < this.#lengths.length; i++) {
      const length = this.#lengths[i] as number;
      const bytes = (taken >> i) & 1 ? this.#chunks[i]?.[chunk] : undefined;
      hexes.push(bytes?.toString('hex', at * length, (at + 1) * length));
    }
    return hexes;
  }
}
