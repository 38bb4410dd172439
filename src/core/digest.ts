import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
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
  readonly #hash: Hash;
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
    this.#hash.update(chunk);
    return undefined;
  }

  finish(): SgciError | undefined {
    if (this.#expectedSize !== undefined && this.#size !== this.#expectedSize) {
      return new SgciError(
        'DIGEST_MISMATCH',
        this.#input,
        `blob ${this.#expected} has ${this.#size} bytes, descriptor says ${this.#expectedSize}`,
      );
    }
    const actual = `${digestAlgorithm(this.#expected)}:${this.#hash.digest('hex')}`;
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

/**
 * The same check over chunks that are not a stream (readFileChunks' reused buffers): each chunk is
 * passed on as it is hashed, and the iteration ends in DIGEST_MISMATCH instead of `done` when the
 * content is not what the digest names.
 */
export async function* verifyChunks(
  source: AsyncIterable<Uint8Array>,
  expected: Digest,
  input: string,
  expectedSize?: number,
): AsyncGenerator<Uint8Array> {
  const check = new DigestCheck(expected, input, expectedSize);
  for await (const chunk of source) {
    const error = check.update(chunk);
    if (error) throw error;
    yield chunk;
  }
  const error = check.finish();
  if (error) throw error;
}
