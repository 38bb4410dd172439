import { SgciError } from '../core/index.ts';
import { AdvisoryReads, VexReads } from './advisory-reads.ts';
import {
  cannotOpenDatabase,
  missingDatabase,
  openStore,
  type StoreKind,
  type StoreOptions,
  storeExists,
  storeLocation,
} from './store.ts';

/** What a lookup reads: the advisories and the VEX statements, on an engine or a read-only SQLite file. */
export interface Lookups extends AsyncDisposable {
  readonly kind: StoreKind;
  /** The database file or directory, or the database URL without its password: safe to print. */
  readonly location: string;
  readonly advisories: AdvisoryReads;
  readonly vex: VexReads;
  close(): Promise<void>;
}

/**
 * Opens the store for lookups (`db status`, matching). The default SQLite file is opened read-only and read
 * through the compiled read queries (`sqlite-reads.ts`), without loading kysely: a short command then costs what
 * its queries cost. A file an older sgci wrote is migrated once first, as `openStore({ readOnly: true })` does;
 * PostgreSQL, PGlite and an in-memory database are opened as stores (they are one).
 */
export async function openLookups(options: StoreOptions = {}): Promise<Lookups> {
  const { kind, location } = storeLocation(options);
  if (kind !== 'sqlite' || location === 'memory://') return openStore({ ...options, readOnly: true });
  if (!storeExists(options)) throw new SgciError('DATABASE_ERROR', location, missingDatabase);
  const [{ openSqlite }, { migrationsDone, sqliteReads }] = await Promise.all([
    import('./sqlite-file.ts'),
    import('./sqlite-reads.ts'),
  ]);
  const open = () => {
    try {
      const opened = openSqlite(location, { readOnly: true });
      return { database: opened, current: migrationsDone(opened) };
    } catch (error) {
      throw cannotOpenDatabase(location, error);
    }
  };
  let { database, current } = open();
  if (!current) {
    // written by an older sgci: bring the file up to date once (through the store), then read it as asked
    database.close();
    await (await openStore({ ...options, readOnly: false })).close();
    ({ database } = open());
  }
  const reads = sqliteReads(database, location);
  const close = async () => {
    if (database.isOpen) database.close();
  };
  return {
    kind,
    location,
    advisories: new AdvisoryReads(reads),
    vex: new VexReads(reads),
    close,
    [Symbol.asyncDispose]: close,
  };
}
