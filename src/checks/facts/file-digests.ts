import { BackgroundHasher, type BackgroundHashOptions, type DigestTable } from '../../core/index.ts';
import type { FileEntry, FileSink } from '../../oci/index.ts';
import type { DigestLookup, FileDigests } from '../check.ts';

/**
 * Where neither dpkg, apk nor rpm install files: locally built software, application trees, home and runtime
 * directories. Hashing them would cost time for nothing COMP-003 can compare against.
 */
const unpackagedPath = /^\/(usr\/local|home|root|tmp|app|srv|run|proc|sys|dev|var\/(cache|log|tmp|run))\//;

const algorithms = ['md5', 'sha1', 'sha256'] as const;

/**
 * A sink for the single pass that records md5, sha1 and sha256 of every regular file of every layer (what dpkg
 * md5sums, apk Z: checksums and rpm's file digests are compared with in SGCI-COMP-003). The bytes are hashed as they stream, whatever the
 * file's size, on a worker thread where one can run (hashing is a fifth of a scan's work); only the digests
 * are kept, as bytes in the hasher's table, found through one map of paths per layer whose keys are the
 * entries' own path strings: no string is made per file.
 */
export function createDigestSink(options: BackgroundHashOptions = {}): AsyncDisposable & {
  sink: FileSink;
  result(): Promise<FileDigests>;
} {
  const hasher = new BackgroundHasher(algorithms, options);
  const slots: Map<string, number>[] = [];
  const sink: FileSink = {
    name: 'checks-file-digests',
    open(entry: FileEntry) {
      if (entry.type !== 'file' || unpackagedPath.test(entry.path)) return undefined;
      let layer = slots[entry.layer];
      if (layer === undefined) {
        layer = new Map();
        slots[entry.layer] = layer;
      }
      layer.set(entry.path, hasher.begin(entry.size));
      return {
        write: (chunk) => hasher.update(chunk),
        end: () => hasher.end(),
      };
    },
  };
  return {
    sink,
    async result() {
      const table = await hasher.digests();
      const [md5, sha1, sha256] = algorithms.map((_, i) => lookup(table, slots, i));
      return { md5: md5 as DigestLookup, sha1, sha256 };
    },
    [Symbol.asyncDispose]: () => hasher[Symbol.asyncDispose](),
  };
}

/** The hex digest of one algorithm by `layer:path`. */
function lookup(table: DigestTable, slots: readonly Map<string, number>[], algorithm: number): DigestLookup {
  return {
    get(key) {
      const colon = key.indexOf(':');
      const slot = slots[Number(key.slice(0, colon))]?.get(key.slice(colon + 1));
      return slot === undefined ? undefined : table.get(slot)?.[algorithm];
    },
  };
}
