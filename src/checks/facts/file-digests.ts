import { createHash, type Hash } from 'node:crypto';
import { BackgroundHasher, type BackgroundHashOptions, type DigestTable } from '../../core/index.ts';
import type { FileEntry, FileSink, FileSinkWriter } from '../../oci/index.ts';
import type { DigestLookup, FileDigests, WantedDigest } from '../check.ts';
import { DigestPlan, digestAlgorithms } from './digest-plan.ts';

/**
 * Where neither dpkg, apk nor rpm install files: locally built software, application trees, home and runtime
 * directories. Hashing them would cost time for nothing COMP-003 can compare against.
 */
const unpackagedPath = /^\/(usr\/local|home|root|tmp|app|srv|run|proc|sys|dev|var\/(cache|log|tmp|run))\//;

/**
 * Reads the image's layers named (by index) again, handing their files to `sink` as the pass did: for digests
 * the pass left out. A `dir:` image, which has no layers, is read whole.
 */
export type LayerReader = (layers: ReadonlySet<number>, sink: FileSink) => Promise<void>;

export interface DigestSinkOptions extends BackgroundHashOptions {
  /** How to read layers again after the pass; without, digests the pass left out stay unknown. */
  readonly reread?: LayerReader;
}

/**
 * A sink for the single pass that records the md5, sha1 and sha256 of every regular file of every layer that
 * SGCI-COMP-003 can compare (dpkg md5sums, apk Z: checksums, rpm's file digests): each file with the algorithms
 * the package databases seen so far ask for (DigestPlan). The bytes are hashed as they stream, whatever the
 * file's size, on a worker thread where one can run (hashing is a fifth of a scan's work); only the digests
 * are kept, as bytes in the hasher's table, found through one `LayerSlots` per layer.
 */
export function createDigestSink(options: DigestSinkOptions = {}): AsyncDisposable & {
  sink: FileSink;
  result(): Promise<FileDigests>;
} {
  const hasher = new BackgroundHasher(digestAlgorithms, options);
  const plan = new DigestPlan();
  const slots: LayerSlots[] = [];
  // One writer for every file: the hasher knows which file is open, and a pair of closures per file was garbage.
  const writer: FileSinkWriter = {
    write: (chunk) => hasher.update(chunk),
    end: () => hasher.end(),
  };
  const sink: FileSink = {
    name: 'checks-file-digests',
    streams: hasher,
    open(entry: FileEntry) {
      if (entry.type !== 'file') return undefined;
      const mask = plan.open(entry.path);
      if (unpackagedPath.test(entry.path)) return undefined;
      slots[entry.layer] ??= new LayerSlots();
      slots[entry.layer]?.add(entry.path, hasher.begin(entry.size, mask));
      return writer;
    },
  };
  return {
    sink,
    async result() {
      return new TakenDigests(await hasher.digests(), slots, options.reread);
    },
    [Symbol.asyncDispose]: () => hasher[Symbol.asyncDispose](),
  };
}

/**
 * The pass's digests by `layer:path`, and those taken again afterwards: one lookup per algorithm. A file the
 * pass hashed without an algorithm is `untaken` for it until `retake` hashes it.
 */
class TakenDigests implements FileDigests {
  readonly md5: DigestLookup;
  readonly sha1: DigestLookup;
  readonly sha256: DigestLookup;
  readonly retake: ((wanted: readonly WantedDigest[]) => Promise<void>) | undefined;
  readonly #table: DigestTable;
  readonly #slots: readonly LayerSlots[];
  /** Digests taken after the pass, by `layer:path`, by algorithm (undefined: not taken then either). */
  readonly #retaken = new Map<string, readonly (string | undefined)[]>();

  constructor(table: DigestTable, slots: readonly LayerSlots[], reread: LayerReader | undefined) {
    this.#table = table;
    this.#slots = slots;
    const [md5, sha1, sha256] = digestAlgorithms.map((_, algorithm) => this.#lookup(algorithm));
    this.md5 = md5 as DigestLookup;
    this.sha1 = sha1 as DigestLookup;
    this.sha256 = sha256 as DigestLookup;
    this.retake = reread === undefined ? undefined : (wanted) => this.#retake(reread, wanted);
  }

  /** The file's digests by algorithm (undefined: not taken), or undefined when no file was hashed at `key`. */
  #digests(key: string): readonly (string | undefined)[] | undefined {
    const colon = key.indexOf(':');
    const slot = this.#slots[Number(key.slice(0, colon))]?.get(key.slice(colon + 1));
    return slot === undefined ? undefined : this.#table.get(slot);
  }

  #lookup(algorithm: number): DigestLookup {
    return {
      get: (key) => this.#digests(key)?.[algorithm] ?? this.#retaken.get(key)?.[algorithm],
      untaken: (key) => this.#untaken(key, algorithm),
    };
  }

  #untaken(key: string, algorithm: number): boolean {
    const digests = this.#digests(key);
    return (
      digests !== undefined && digests[algorithm] === undefined && this.#retaken.get(key)?.[algorithm] === undefined
    );
  }

  /** Hashes the wanted untaken digests from the layers their files are in, read once more; nothing else. */
  async #retake(reread: LayerReader, wanted: readonly WantedDigest[]): Promise<void> {
    const masks = new Map<number, Map<string, number>>();
    for (const { key, algorithm } of wanted) {
      const index = digestAlgorithms.indexOf(algorithm as (typeof digestAlgorithms)[number]);
      if (index < 0 || !this.#untaken(key, index)) continue;
      const colon = key.indexOf(':');
      const layer = Number(key.slice(0, colon));
      const path = key.slice(colon + 1);
      const paths = masks.get(layer) ?? new Map<string, number>();
      masks.set(layer, paths);
      paths.set(path, (paths.get(path) ?? 0) | (1 << index));
    }
    if (masks.size === 0) return;
    await reread(new Set(masks.keys()), {
      name: 'checks-file-digests-retake',
      open: (entry) => {
        const mask = masks.get(entry.layer)?.get(entry.path);
        if (entry.type !== 'file' || mask === undefined) return undefined;
        const hashes: (Hash | undefined)[] = digestAlgorithms.map((a, i) =>
          (mask >> i) & 1 ? createHash(a) : undefined,
        );
        return {
          write: (chunk) => {
            for (const hash of hashes) hash?.update(chunk);
          },
          // the last of equal paths in a layer wins, as in LayerSlots
          end: () => {
            const key = `${entry.layer}:${entry.path}`;
            const before = this.#retaken.get(key);
            this.#retaken.set(
              key,
              hashes.map((hash, i) => hash?.digest('hex') ?? before?.[i]),
            );
          },
        };
      },
    });
  }
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
