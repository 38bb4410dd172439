import { type Kysely, Migrator, type Transaction } from 'kysely';
import { describe, SgciError } from '../../core/index.ts';
import { openStore, type Store, type StoreOptions } from '../../store/index.ts';
import { catalogueMigrationProvider } from './migrations/index.ts';
import type { CatalogueDatabase } from './schema.ts';

/** The advisory store's tables and the catalogue's: one database. */
export type CatalogueDb = Kysely<CatalogueDatabase>;
export type CatalogueTx = Transaction<CatalogueDatabase>;

export interface Catalogue extends AsyncDisposable {
  /** The advisory store in the same database: matching, VEX statements, stored scan passes. */
  readonly store: Store;
  readonly db: CatalogueDb;
  /** The clock every state change, event and expiry reads: injected in tests, never `Date.now()` elsewhere. */
  readonly now: () => Date;
  /** Runs `fn` in one transaction: a state change and its event are written together or not at all. */
  transaction<T>(fn: (tx: CatalogueTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface CatalogueOptions extends Omit<StoreOptions, 'engine' | 'readOnly' | 'file'> {
  readonly now?: () => Date;
}

/**
 * Opens the catalogue: PostgreSQL when `DATABASE_URL` (or `databaseUrl`) is set, else the embedded PGlite under
 * `$SGCI_HOME/db`. Both run the catalogue's migrations under PostgreSQL's migration lock, so several `sgci serve`
 * and `sgci worker` processes may start at once. SQLite cannot serve it (no `SKIP LOCKED`, no full-text search).
 */
export async function openCatalogue(options: CatalogueOptions = {}): Promise<Catalogue> {
  const store = await openStore({ ...options, engine: 'pglite' });
  // the catalogue's tables live beside the store's in the same database; only their types are new
  const db = store.db as unknown as CatalogueDb;
  try {
    const { error } = await new Migrator({
      db,
      provider: catalogueMigrationProvider,
      migrationTableName: 'catalogue_migration',
      migrationLockTableName: 'catalogue_migration_lock',
    }).migrateToLatest();
    if (error) throw error;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new SgciError('DATABASE_ERROR', store.location, `cannot migrate the catalogue: ${describe(error)}`, {
      cause: error,
    });
  }
  const close = () => store.close();
  return {
    store,
    db,
    now: options.now ?? (() => new Date()),
    transaction: (fn) => db.transaction().execute(fn),
    close,
    [Symbol.asyncDispose]: close,
  };
}
