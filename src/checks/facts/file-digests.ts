import { BackgroundHasher, type BackgroundHashOptions } from '../../core/index.ts';
import type { FileEntry, FileSink } from '../../oci/index.ts';
import type { FileDigests } from '../check.ts';

/**
 * Where neither dpkg, apk nor rpm install files: locally built software, application trees, home and runtime
 * directories. Hashing them would cost time for nothing COMP-003 can compare against.
 */
const unpackagedPath = /^\/(usr\/local|home|root|tmp|app|srv|run|proc|sys|dev|var\/(cache|log|tmp|run))\//;

/**
 * A sink for the single pass that records md5, sha1 and sha256 of every regular file of every layer (what dpkg
 * md5sums, apk Z: checksums and rpm's file digests are compared with in SGCI-COMP-003). The bytes are hashed as they stream, whatever the
 * file's size, on a worker thread where one can run (hashing is a fifth of a scan's work); only the digests
 * are kept.
 */
export function createDigestSink(options: BackgroundHashOptions = {}): AsyncDisposable & {
  sink: FileSink;
  result(): Promise<FileDigests>;
} {
  const hasher = new BackgroundHasher(['md5', 'sha1', 'sha256'], options);
  const sink: FileSink = {
    name: 'checks-file-digests',
    open(entry: FileEntry) {
      if (entry.type !== 'file' || unpackagedPath.test(entry.path)) return undefined;
      hasher.begin(`${entry.layer}:${entry.path}`, entry.size);
      return {
        write: (chunk) => hasher.update(chunk),
        end: () => hasher.end(),
      };
    },
  };
  return {
    sink,
    async result() {
      const md5 = new Map<string, string>();
      const sha1 = new Map<string, string>();
      const sha256 = new Map<string, string>();
      for (const [key, [md5Hex, sha1Hex, sha256Hex]] of await hasher.digests()) {
        if (md5Hex !== undefined) md5.set(key, md5Hex);
        if (sha1Hex !== undefined) sha1.set(key, sha1Hex);
        if (sha256Hex !== undefined) sha256.set(key, sha256Hex);
      }
      return { md5, sha1, sha256 };
    },
    [Symbol.asyncDispose]: () => hasher[Symbol.asyncDispose](),
  };
}
