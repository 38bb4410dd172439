import type { Lookups } from '../store/index.ts';
import type { VulnMatcher } from './request.ts';
import { storeMatcher } from './store-match.ts';

/**
 * Matching against the local advisory database (or DATABASE_URL), in this process. The SQLite file opens
 * read-only in about a millisecond when the SBOM is ready (PGlite took a second and 300 MiB, which is why this
 * used to run in a side process), so nothing is opened for a scan that fails before matching, and a scan without
 * a database does not even load the query layer. Without a database on disk the report says so (never "no
 * vulnerabilities") and nothing is created. Dispose when done: that closes the store however the run ended.
 */
export function startStoreMatcher(): { readonly match: VulnMatcher } & AsyncDisposable {
  let store: Lookups | undefined;
  return {
    async match(sbom, request) {
      // the store's modules load only when a scan matches: `sgci sbom` loads none of them
      const { openLookups, storeExists } = await import('../store/index.ts');
      if (!storeExists()) {
        return {
          unavailable: 'no advisory database: run sgci db import or sgci db update first',
          unavailableDe: 'keine Advisory-Datenbank: zuerst sgci db import oder sgci db update ausführen',
        };
      }
      // opened only now, and only with a database to match against; the SQLite file is read without kysely
      store ??= await openLookups();
      return storeMatcher(store)(sbom, request);
    },
    async [Symbol.asyncDispose]() {
      await store?.close();
    },
  };
}
