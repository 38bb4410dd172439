/**
 * Bounds on what an untrusted image may make us do. Every reader takes a `Limits` and fails
 * with LIMIT_EXCEEDED naming the bound, so a bomb ends in a clear error instead of an OOM or a hang.
 */
export interface Limits {
  /** Manifests, indexes, configs: JSON documents read fully into memory. */
  readonly maxManifestBytes: number;
  /** Compressed size of one blob as the registry or archive serves it. */
  readonly maxBlobBytes: number;
  /** Uncompressed bytes of one layer's tar stream. */
  readonly maxLayerBytes: number;
  /** Uncompressed bytes over all layers of an image. */
  readonly maxImageBytes: number;
  /** Decompressed/compressed ratio of one layer, past a floor of 64 MiB. */
  readonly maxCompressionRatio: number;
  /** Tar entries over all layers. */
  readonly maxEntries: number;
  readonly maxPathLength: number;
  /** One PAX extended header block. */
  readonly maxPaxHeaderBytes: number;
  /** One captured file's content held in memory for a consumer. */
  readonly maxCapturedFileBytes: number;
  /** All captured content held at once. */
  readonly maxCapturedTotalBytes: number;
  /**
   * Wall-clock bound of one network request; for blobs, which stream for long, a bound on silence
   * (no byte for this long) instead.
   */
  readonly requestTimeoutMs: number;
  /**
   * Wall-clock bound of reading one image, from opening it to the end of the layer pass: a blob that
   * drips a byte just inside `requestTimeoutMs` would otherwise keep a run alive for ever.
   */
  readonly imageDeadlineMs: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const defaultLimits: Limits = Object.freeze({
  maxManifestBytes: 4 * MiB,
  maxBlobBytes: 8 * GiB,
  maxLayerBytes: 16 * GiB,
  maxImageBytes: 32 * GiB,
  maxCompressionRatio: 200,
  maxEntries: 2_000_000,
  maxPathLength: 4096,
  maxPaxHeaderBytes: 1 * MiB,
  maxCapturedFileBytes: 64 * MiB,
  maxCapturedTotalBytes: 512 * MiB,
  requestTimeoutMs: 120_000,
  imageDeadlineMs: 60 * 60_000,
});

export function withLimits(overrides: Partial<Limits> = {}): Limits {
  return Object.freeze({ ...defaultLimits, ...overrides });
}
