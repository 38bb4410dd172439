import type { Lookups } from '../store/index.ts';
import type { VulnMatcher } from './request.ts';
import { storeMatcher } from './store-match.ts';

/**
 * Matching against the local advisory database (or DATABASE_URL), in this process. The SQLite file opens
 * read-only in about a millisecond (PGlite took a second and 300 MiB, which is why this used to run in a side
 * process), so nothing is opened for a scan that fails before its layer pass, and a scan without a database does
 * not even load the query layer. `prepare` starts loading the store's and the matcher's modules and opening the
 * file while the pass runs (`ScanDeps.prepareMatcher`): that work then overlaps the pass instead of following it
 * (issue 17). Without a database on disk the report says so (never "no vulnerabilities") and nothing is created.
 * Dispose when done: that closes the store however the run ended.
 */
export function startStoreMatcher(): { readonly match: VulnMatcher; prepare(): void } & AsyncDisposable {
  let opening: Promise<Lookups | undefined> | undefined;
  const open = (): Promise<Lookups | undefined> => {
    opening ??= (async () => {
      // the store's modules load only when a scan matches: `sgci sbom` loads none of them
      const [{ openLookups, storeExists }] = await Promise.all([
        import('../store/index.ts'),
        // what matching runs (store-match.ts loads it too): loaded beside the store, so during the pass
        import('../vuln/index.ts'),
      ]);
      // opened only with a database to match against; the SQLite file is read without kysely
      return storeExists() ? await openLookups() : undefined;
    })();
    return opening;
  };
  return {
    prepare() {
      // a failure here is met again, and reported, by `match`
      open().catch(() => undefined);
    },
    async match(sbom, request) {
      const store = await open();
      if (!store) {
        return {
          unavailable: 'no advisory database: run sgci db import or sgci db update first',
          unavailableDe: 'keine Advisory-Datenbank: zuerst sgci db import oder sgci db update ausführen',
        };
      }
      return storeMatcher(store)(sbom, request);
    },
    async [Symbol.asyncDispose]() {
      await (await opening?.catch(() => undefined))?.close();
    },
  };
}
