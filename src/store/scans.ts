import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** One stored scan result: its cache key and what identifies it, with the result as JSON. */
export interface StoredScan {
  readonly key: string;
  readonly manifestDigest: string;
  readonly toolVersion: string;
  readonly result: unknown;
}

/** Scan results by content key (see scan/cache.ts); the store does not look inside them. */
export class ScanRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async get(key: string): Promise<unknown | undefined> {
    const row = await this.#db.selectFrom('scan_results').select('result').where('key', '=', key).executeTakeFirst();
    return row?.result;
  }

  /** Stores a result; the same key again replaces it (a scan that ran more parts than the stored one). */
  async put(scan: StoredScan, now: Date = new Date()): Promise<void> {
    const result = JSON.stringify(scan.result);
    await this.#db
      .insertInto('scan_results')
      .values({
        key: scan.key,
        manifest_digest: scan.manifestDigest,
        tool_version: scan.toolVersion,
        result,
        created_at: now,
      })
      .onConflict((oc) => oc.column('key').doUpdateSet({ result, created_at: now }))
      .execute();
  }
}
