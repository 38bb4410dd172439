import type { Kysely } from 'kysely';
import { MonitorRepository } from './monitor.ts';
import { kyselyReads, kyselyWrites, type ReadRunner, type WriteRunner } from './read-queries.ts';
import type { Database } from './schema.ts';
import {
  cannotOpenDatabase,
  openStore,
  type Store,
  type StoreKind,
  type StoreOptions,
  storeLocation,
  storeOverSqlite,
} from './store.ts';

/** The monitor's repository for a round, and the whole store for what a moved tag needs (scans, advisories). */
export interface MonitorStore extends AsyncDisposable {
  readonly kind: StoreKind;
  readonly location: string;
  readonly monitor: MonitorRepository;
  /** The store on the same connection; kysely loads with the first call where it has not yet. */
  store(): Promise<Store>;
  close(): Promise<void>;
}

function wholeStore(store: Store): MonitorStore {
  return {
    kind: store.kind,
    location: store.location,
    monitor: store.monitor,
    store: async () => store,
    close: () => store.close(),
    [Symbol.asyncDispose]: () => store.close(),
  };
}

/**
 * Opens the store for a monitor round (`sgci monitor run`). On the CLI's SQLite file, when every migration has run,
 * the round's statements (the watch list, the unchanged tags' writes) run in their SQLite compilation
 * (`read-statements.json`) without kysely: its 263 modules cost a round of unchanged tags ~0.09 s of CPU, more than
 * its statements (issue 15). The first other statement (a moved tag's ledger row, an alarm) or `store()` loads
 * kysely on the same connection, and from then on every statement goes through it: one connection, one order of
 * writes. Any other engine, and a file an older sgci wrote (migrated here first), opens as the store.
 */
export async function openMonitorStore(options: StoreOptions = {}): Promise<MonitorStore> {
  const { kind, location } = storeLocation(options);
  if (kind !== 'sqlite' || location === 'memory://' || options.readOnly) return wholeStore(await openStore(options));
  const [{ openSqlite }, { migrationsDone, sqliteReads, sqliteWrites }] = await Promise.all([
    import('./sqlite-file.ts'),
    import('./sqlite-reads.ts'),
  ]);
  const database = (() => {
    try {
      return openSqlite(location, { readOnly: false });
    } catch (error) {
      throw cannotOpenDatabase(location, error);
    }
  })();
  if (!migrationsDone(database)) {
    database.close();
    return wholeStore(await openStore(options));
  }
  let whole: Promise<Store> | undefined;
  let loaded: Kysely<Database> | undefined;
  const store = () => {
    whole ??= storeOverSqlite(database, location).then((opened) => {
      loaded = opened.db;
      return opened;
    });
    return whole;
  };
  const compiledReads = sqliteReads(database, location);
  const compiledWrites = sqliteWrites(database, location);
  const reads: ReadRunner = {
    rows: (name, params) => (loaded ? kyselyReads(loaded) : compiledReads).rows(name, params),
  };
  const writes: WriteRunner = {
    run: (name, params) => (loaded ? kyselyWrites(loaded) : compiledWrites).run(name, params),
  };
  const close = async () => {
    if (whole) await (await whole).close();
    else if (database.isOpen) database.close();
  };
  return {
    kind,
    location,
    monitor: new MonitorRepository({ reads, writes, kysely: async () => (await store()).db }),
    store,
    close,
    [Symbol.asyncDispose]: close,
  };
}
