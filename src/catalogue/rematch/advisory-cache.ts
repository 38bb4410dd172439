import type { Store } from '../../store/index.ts';
import type { AdvisoryReader, SeverityRow } from '../../vuln/index.ts';

type Candidate = Awaited<ReturnType<AdvisoryReader['findByPackages']>>[number];
type FullRecord = Awaited<ReturnType<AdvisoryReader['getMany']>>[number];

/** Entries kept of each kind before the cache starts that kind over: bounds the memory of a large store. */
const maxEntries = 20_000;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The state of the advisory data, as the watch tells it apart (its fingerprint without the VEX statements, which are
 * read anew for every re-match): the newest import. Every change of advisories or severities is an import, recorded
 * in the transaction that makes it.
 */
export async function advisoryState(store: Store): Promise<string> {
  const newest = await store.db
    .selectFrom('imports')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return `import=${newest?.id ?? '-'}`;
}

/**
 * What re-matching reads of the advisory store (the candidates of a package, full records, severities), kept in the
 * process while the store's state stays the same and dropped whole when it changes. After an import the watch
 * re-matches every version: versions of one image, and images on one base, ask for the same packages again. A
 * re-match that overlaps an import reads what the store says at each lookup, as it would uncached, and the watch
 * re-matches it after that import anyway.
 */
export class AdvisoryCache {
  #state: string | undefined;
  readonly #candidates = new Map<string, readonly Candidate[]>();
  readonly #records = new Map<string, FullRecord | null>();
  readonly #severities = new Map<string, readonly SeverityRow[]>();

  /** The store's lookups through the cache, for a re-match that found the store in `state`. */
  reader(store: AdvisoryReader, state: string): Omit<AdvisoryReader, 'summary'> {
    if (state !== this.#state) {
      this.#state = state;
      this.#candidates.clear();
      this.#records.clear();
      this.#severities.clear();
    }
    /**
     * The answers for `keys`, looking up the missing ones in one call. They are kept (an empty answer too: nothing
     * to ask again) only while the cache holds this re-match's state: what a lookup reads is at least that state.
     */
    const cached = async <T>(
      cache: Map<string, T>,
      keys: readonly string[],
      lookUp: (missing: string[]) => Promise<ReadonlyMap<string, T>>,
    ): Promise<T[]> => {
      const missing = keys.filter((key) => !cache.has(key));
      const found = missing.length > 0 ? await lookUp(missing) : new Map<string, T>();
      const answers = keys.flatMap((key) => {
        const answer = cache.get(key) ?? found.get(key);
        return answer === undefined ? [] : [answer];
      });
      if (this.#state === state) {
        if (cache.size + found.size > maxEntries) cache.clear();
        for (const [key, value] of found) cache.set(key, value);
      }
      return answers;
    };
    return {
      findByPackages: async (keys) => {
        const keyOf = (k: { readonly ecosystem: string; readonly name: string }) => `${k.ecosystem}\u0000${k.name}`;
        const wanted = new Map(keys.map((k) => [keyOf(k), k]));
        const answers = await cached(this.#candidates, [...wanted.keys()], async (missing) => {
          const found = new Map<string, Candidate[]>(missing.map((key) => [key, []]));
          const rows = await store.findByPackages(missing.flatMap((key) => wanted.get(key) ?? []));
          for (const row of rows) found.get(keyOf(row))?.push(row);
          return found;
        });
        return answers
          .flat()
          .sort(
            (a, b) => compareText(a.ecosystem, b.ecosystem) || compareText(a.name, b.name) || compareText(a.id, b.id),
          );
      },
      getMany: async (ids) => {
        const answers = await cached(this.#records, [...new Set(ids)], async (missing) => {
          const found = new Map<string, FullRecord | null>(missing.map((id) => [id, null]));
          for (const record of await store.getMany(missing)) found.set(record.id, record);
          return found;
        });
        return answers.flatMap((record) => (record ? [record] : [])).sort((a, b) => compareText(a.id, b.id));
      },
      severities: async (ids) => {
        const answers = await cached(this.#severities, [...new Set(ids)], async (missing) => {
          const found = new Map<string, SeverityRow[]>(missing.map((id) => [id, []]));
          for (const row of await store.severities(missing)) found.get(row.vulnerabilityId)?.push(row);
          return found;
        });
        return answers
          .flat()
          .sort((a, b) => compareText(a.vulnerabilityId, b.vulnerabilityId) || compareText(a.source, b.source));
      },
    };
  }
}
