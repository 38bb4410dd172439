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
 * are kept, as bytes in the hasher's table, found through one `LayerSlots` per layer.
 */
export function createDigestSink(options: BackgroundHashOptions = {}): AsyncDisposable & {
  sink: FileSink;
  result(): Promise<FileDigests>;
} {
  const hasher = new BackgroundHasher(algorithms, options);
  const slots: LayerSlots[] = [];
  const sink: FileSink = {
    name: 'checks-file-digests',
    streams: hasher,
    open(entry: FileEntry) {
      if (entry.type !== 'file' || unpackagedPath.test(entry.path)) return undefined;
      slots[entry.layer] ??= new LayerSlots();
      slots[entry.layer]?.add(entry.path, hasher.begin(entry.size));
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

/**
 * One layer's hashed files and their slots, in the order the files streamed by, sorted for lookup on first
 * use. A map from path to slot cost ~40 bytes a file in hash tables (a 2 GB image has 300,000 files); this
 * costs 8 during the pass and 12 once sorted, and the entries' own path strings serve as keys, so no string
 * is made per file. The lookups (COMP-003's packaged files) come after the pass.
 */
class LayerSlots {
  readonly #paths: string[] = [];
  /**
   * The slot of the layer's first file. The hasher numbers files in the order they begin and a layer's files
   * come one after another, so the file at position i has slot `#first + i`: no list of slots (8 bytes a file).
   */
  #first = 0;
  /** The slots one by one, only once a slot was not the next number. */
  #slots: number[] | undefined;
  /** Positions in the lists, by path and then by position: the last of equal paths is the tar's winner. */
  #order: Uint32Array | undefined;

  add(path: string, slot: number): void {
    const at = this.#paths.length;
    this.#paths.push(path);
    this.#order = undefined;
    if (at === 0) this.#first = slot;
    if (this.#slots === undefined && slot === this.#first + at) return;
    this.#slots ??= Array.from({ length: at }, (_, i) => this.#first + i);
    this.#slots.push(slot);
  }

  get(path: string): number | undefined {
    const paths = this.#paths;
    this.#order ??= Uint32Array.from(paths.keys()).sort((a, b) => {
      const pa = paths[a] as string;
      const pb = paths[b] as string;
      return pa < pb ? -1 : pa > pb ? 1 : a - b;
    });
    const order = this.#order;
    // the last position whose path is <= `path`
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((paths[order[mid] as number] as string) <= path) low = mid + 1;
      else high = mid;
    }
    const at = order[low - 1];
    if (at === undefined || paths[at] !== path) return undefined;
    return this.#slots === undefined ? this.#first + at : this.#slots[at];
  }
}

/** The hex digest of one algorithm by `layer:path`. */
function lookup(table: DigestTable, slots: readonly LayerSlots[], algorithm: number): DigestLookup {
  return {
    get(key) {
      const colon = key.indexOf(':');
      const slot = slots[Number(key.slice(0, colon))]?.get(key.slice(colon + 1));
      return slot === undefined ? undefined : table.get(slot)?.[algorithm];
    },
  };
}
