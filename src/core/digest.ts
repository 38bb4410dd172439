import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { copiedRuns, type HashedStream } from './background-hash.ts';
import { SgciError } from './errors.ts';

export type DigestAlgorithm = 'sha256' | 'sha512';
/** A validated OCI content digest, `algorithm:hex`. */
export type Digest = `${DigestAlgorithm}:${string}` & { readonly __digest: unique symbol };

const pattern = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function parseDigest(value: string, input = value): Digest {
  if (!pattern.test(value)) {
    throw new SgciError(
      'DIGEST_INVALID',
      input,
      `not a valid sha256/sha512 digest: ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
  return value as Digest;
}

export function isDigest(value: string): value is Digest {
  return pattern.test(value);
}

export function digestAlgorithm(digest: Digest): DigestAlgorithm {
  return digest.slice(0, digest.indexOf(':')) as DigestAlgorithm;
}

export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function digestOf(data: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}` as Digest;
}

/** Throws DIGEST_MISMATCH naming the expected digest when `data` does not hash to it. */
export function verifyDigest(data: Uint8Array, expected: Digest, input: string): void {
  const actual = digestOf(data, digestAlgorithm(expected));
  if (actual !== expected) {
    throw new SgciError('DIGEST_MISMATCH', input, `content does not match digest ${expected} (got ${actual})`);
  }
}

/**
 * Hashes content as it streams and checks it against a digest and, when known, a descriptor size:
 * `update` refuses the byte past the size at once, `finish` names the mismatch at the end.
 */
class DigestCheck {
  #hash: Hash | undefined;
  readonly #expected: Digest;
  readonly #expectedSize: number | undefined;
  readonly #input: string;
  #size = 0;

  constructor(expected: Digest, input: string, expectedSize: number | undefined) {
    this.#hash = createHash(digestAlgorithm(expected));
    this.#expected = expected;
    this.#expectedSize = expectedSize;
    this.#input = input;
  }

  update(chunk: Uint8Array): SgciError | undefined {
    this.#size += chunk.length;
    if (this.#expectedSize !== undefined && this.#size > this.#expectedSize) {
      return new SgciError(
        'DIGEST_MISMATCH',
        this.#input,
        `blob ${this.#expected} is larger than its descriptor size ${this.#expectedSize}`,
      );
    }
    this.#hash?.update(chunk);
    return undefined;
  }

  /** Before the first byte: the bytes are hashed elsewhere, and `finish` is given their digest. */
  handOff(): void {
    this.#hash = undefined;
  }

  /** The byte count against the descriptor's size, once every byte has passed. */
  sizeError(): SgciError | undefined {
    if (this.#expectedSize === undefined || this.#size === this.#expectedSize) return undefined;
    return new SgciError(
      'DIGEST_MISMATCH',
      this.#input,
      `blob ${this.#expected} has ${this.#size} bytes, descriptor says ${this.#expectedSize}`,
    );
  }

  finish(hex = this.#hash?.digest('hex')): SgciError | undefined {
    const sized = this.sizeError();
    if (sized !== undefined) return sized;
    const actual = `${digestAlgorithm(this.#expected)}:${hex}`;
    if (actual === this.#expected) return undefined;
    return new SgciError(
      'DIGEST_MISMATCH',
      this.#input,
      `content does not match digest ${this.#expected} (got ${actual})`,
    );
  }
}

/**
 * A pass-through stream that hashes what flows through and, at the end, fails the pipeline
 * with DIGEST_MISMATCH (or a size error) before the final byte is acknowledged.
 */
export class DigestVerifier extends Transform {
  readonly #check: DigestCheck;

  constructor(expected: Digest, input: string, expectedSize?: number) {
    super();
    this.#check = new DigestCheck(expected, input, expectedSize);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const error = this.#check.update(chunk);
    if (error) callback(error);
    else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.#check.finish());
  }
}

/** Chunks checked against a digest as they pass (`verifyChunks`), whose hashing may go to a hash worker. */
export interface VerifiedChunks extends AsyncIterable<Uint8Array> {
  /**
   * Before the first read: the digest is hashed on `stream` (a hash worker's) instead of this thread, each chunk
   * copied into it as it passes. The iteration then ends in a size mismatch only; the digest's DIGEST_MISMATCH is
   * `verdict`'s, once the stream has answered.
   */
  hashOn(stream: HashedStream): void;
  /** After the iteration's end: DIGEST_MISMATCH when the bytes, hashed on a stream, are not what the digest names. */
  verdict(): Promise<SgciError | undefined>;
}

export function isVerifiedChunks(chunks: AsyncIterable<Uint8Array>): chunks is VerifiedChunks {
  return typeof (chunks as Partial<VerifiedChunks>).hashOn === 'function';
}

/**
 * The same check over chunks that are not a stream (readFileChunks' reused buffers): each chunk is
 * passed on as it is hashed, and the iteration ends in DIGEST_MISMATCH instead of `done` when the
 * content is not what the digest names (unless the hashing was handed to a stream: see `hashOn`).
 */
export function verifyChunks(
  source: AsyncIterable<Uint8Array>,
  expected: Digest,
  input: string,
  expectedSize?: number,
): VerifiedChunks {
  const check = new DigestCheck(expected, input, expectedSize);
  let stream: HashedStream | undefined;
  let answer: Promise<string | undefined> | undefined;
  async function* checked(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      const error = check.update(chunk);
      if (error) throw error;
      // Copied for the worker to hash; what passes on is the chunk itself.
      if (stream !== undefined) for await (const _run of copiedRuns(stream, chunk));
      yield chunk;
    }
    if (stream === undefined) {
      const error = check.finish();
      if (error) throw error;
      return;
    }
    const error = check.sizeError();
    if (error) throw error;
    answer = stream.end();
  }
  const chunks = checked();
  return {
    [Symbol.asyncIterator]: () => chunks,
    hashOn(to) {
      stream = to;
      check.handOff();
    },
    async verdict() {
      return answer === undefined ? undefined : check.finish(await answer);
    },
  };
}
