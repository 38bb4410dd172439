import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { Dialect, Kysely } from 'kysely';
import { dataDir as defaultDataDir, describe, SgciError } from '../core/index.ts';
import { AdvisoryRepository, type Feed } from './advisories.ts';
import type { IndexExport, IndexInstall } from './index-file.ts';
import { MonitorRepository } from './monitor.ts';
import type { Listen, NotificationHandlers, NotificationListener } from './notifications.ts';
import { ScanRepository } from './scans.ts';
import type { Database } from './schema.ts';
import { VexRepository } from './vex.ts';

export type StoreKind = 'sqlite' | 'pglite' | 'postgres';

export interface StoreOptions {
  /** PostgreSQL connection string; default `DATABASE_URL`. When set, no embedded engine is used. */
  readonly databaseUrl?: string;
  /**
   * The embedded engine: `sqlite` (default: one file, opened in milliseconds: the CLI's) or `pglite` (PostgreSQL
   * in WebAssembly: a second and ~300 MiB to open, for a process that keeps it open).
   */
  readonly engine?: 'sqlite' | 'pglite';
  /** Directory of the embedded database; default `$SGCI_HOME/db`. `memory://` keeps the database in memory. */
  readonly dataDir?: string;
  /**
   * For lookups: the SQLite file is opened read-only and nothing is created; a missing database is a
   * DATABASE_ERROR telling how to create one. A file written by an older sgci is migrated once first.
   * (PostgreSQL and PGlite open as usual.)
   */
  readonly readOnly?: boolean;
  /** An SQLite file at this path instead of the configured store: a prebuilt index being written or installed. */
  readonly file?: string;
}

/** Repositories over one connection or transaction. */
export interface StoreRepositories {
  readonly db: Kysely<Database>;
  readonly advisories: AdvisoryRepository;
  readonly vex: VexRepository;
  readonly scans: ScanRepository;
  readonly monitor: MonitorRepository;
}

/** The one database layer of sgci: SQLite embedded by default, PGlite embedded on request, PostgreSQL when configured. */
export interface Store extends StoreRepositories, AsyncDisposable {
  readonly kind: StoreKind;
  /** The database file or directory, or the database URL without its password: safe to print. */
  readonly location: string;
  /** Runs `fn` in one transaction: everything it wrote is rolled back if it throws. */
  transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T>;
  /** Writes the advisories, without VEX statements, as one compact SQLite file: a prebuilt index (index-file.ts). */
  exportIndex(file: string): Promise<IndexExport>;
  /**
   * Replaces the advisories by those of a prebuilt index file whose signature the caller verified, in one
   * transaction; VEX statements stay (index-file.ts).
   */
  installIndex(file: string, feed: Feed): Promise<IndexInstall>;
  /**
   * Listens on a notification channel (PostgreSQL and PGlite; SQLite has none: USAGE). The listener is closed with
   * the store at the latest.
   */
  listen(channel: string, handlers: NotificationHandlers): Promise<NotificationListener>;
  close(): Promise<void>;
}

function repositories(db: Kysely<Database>): StoreRepositories {
  return {
    db,
    advisories: new AdvisoryRepository(db),
    vex: new VexRepository(db),
    scans: new ScanRepository(db),
    monitor: new MonitorRepository(db),
  };
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString().replace(/:@/, '@');
  } catch {
    return '<invalid database URL>';
  }
}

/** Where the store of these options lives: the SQLite file, the PGlite directory or the redacted URL. */
export function storeLocation(options: StoreOptions = {}): { kind: StoreKind; location: string } {
  if (options.file) return { kind: 'sqlite', location: options.file };
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (databaseUrl) return { kind: 'postgres', location: redactDatabaseUrl(databaseUrl) };
  const dir = options.dataDir ?? join(defaultDataDir(), 'db');
  const engine = options.engine ?? 'sqlite';
  if (dir === 'memory://') return { kind: engine, location: dir };
  return { kind: engine, location: engine === 'sqlite' ? join(dir, 'sgci.db') : join(dir, 'pglite') };
}

/** Whether the store exists: an embedded database on disk (never created by asking), or any database URL. */
export function storeExists(options: StoreOptions = {}): boolean {
  const { kind, location } = storeLocation(options);
  return kind === 'postgres' || location === 'memory://' || existsSync(location);
}

/** What a lookup says when there is no database yet. */
export const missingDatabase = 'no advisory database: run sgci db import or sgci db update first';

/** The error of a database at `location` that could not be opened (or connected to), naming it and the cause. */
export function cannotOpenDatabase(location: string, error: unknown): SgciError {
  return new SgciError('DATABASE_ERROR', location, `cannot open database: ${describe(error)}`, { cause: error });
}

/** An engine: the dialect kysely talks through, and how a session of it listens for notifications. */
interface Engine {
  readonly dialect: Dialect;
  /** Whether every migration has run (asked of a SQLite file opened read-only, which must not migrate). */
  readonly migrated: () => boolean;
  /** `db` is the store's kysely instance, once it exists. */
  readonly listen: (db: () => Kysely<Database>) => Listen;
}

async function openEngine(
  kind: StoreKind,
  location: string,
  options: StoreOptions,
  readOnly: boolean,
): Promise<Engine> {
  if (kind === 'postgres') {
    const [{ PostgresDialect }, { default: pg }, { postgresListen }] = await Promise.all([
      import('kysely'),
      import('pg'),
      import('./notifications.ts'),
    ]);
    const connectionString = options.databaseUrl ?? process.env.DATABASE_URL;
    const pool = new pg.Pool({ connectionString, max: 4 });
    // An idle client losing its server (restart, admin shutdown) must not crash the process; the next
    // query gets a fresh client or fails with a DATABASE_ERROR of its own.
    pool.on('error', () => undefined);
    return {
      dialect: new PostgresDialect({ pool }),
      migrated: () => false,
      listen: () => postgresListen(connectionString),
    };
  }
  if (kind === 'pglite') {
    const [{ PGlite }, { PGliteDialect }, { pgliteListen }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('./pglite-dialect.ts'),
      import('./notifications.ts'),
    ]);
    if (location !== 'memory://') mkdirSync(location, { recursive: true, mode: 0o700 });
    const pglite = await PGlite.create(location === 'memory://' ? undefined : location);
    return { dialect: new PGliteDialect(pglite), migrated: () => false, listen: (db) => pgliteListen(pglite, db) };
  }
  const [{ openSqlite }, { migrationsDone }] = await Promise.all([
    import('./sqlite-file.ts'),
    import('./sqlite-reads.ts'),
  ]);
  const database = openSqlite(location, { readOnly });
  return { ...(await sqliteEngine(database, location)), migrated: () => migrationsDone(database) };
}

/** The engine of an open SQLite file. */
async function sqliteEngine(database: DatabaseSync, location: string): Promise<Omit<Engine, 'migrated'>> {
  const { NodeSqliteDialect } = await import('./sqlite-dialect.ts');
  return {
    dialect: new NodeSqliteDialect(database, location),
    listen: () => async () => {
      throw new SgciError('USAGE', location, 'SQLite has no notifications: use PostgreSQL or PGlite');
    },
  };
}

/**
 * The store over a SQLite file already open, whose migrations have all run (`openMonitorStore` checks that without
 * kysely, which loads here); closing the store closes the file.
 */
export async function storeOverSqlite(database: DatabaseSync, location: string): Promise<Store> {
  const [{ Kysely }, engine] = await Promise.all([import('kysely'), sqliteEngine(database, location)]);
  const db = new Kysely<Database>({ dialect: engine.dialect });
  return assembleStore(
    'sqlite',
    location,
    db,
    engine.listen(() => db),
  );
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const [{ Migrator }, { migrationProvider }] = await Promise.all([import('kysely'), import('./migrations/index.ts')]);
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) throw error;
}

/**
 * Opens the store. kysely, the engine and the migrations load here, not with this module: `storeExists` and
 * `storeLocation` answer without them (a scan without a database never loads a query layer).
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const { kind, location } = storeLocation(options);
  // only a SQLite file opens read-only; the other engines are servers (or PGlite, which has no such mode)
  const readOnly = options.readOnly === true && kind === 'sqlite' && location !== 'memory://';
  if (readOnly && !storeExists(options)) throw new SgciError('DATABASE_ERROR', location, missingDatabase);
  const connect = async (): Promise<{ db: Kysely<Database>; listen: Listen; migrated: () => boolean }> => {
    try {
      const [{ Kysely }, engine] = await Promise.all([import('kysely'), openEngine(kind, location, options, readOnly)]);
      const connected = new Kysely<Database>({ dialect: engine.dialect });
      return { db: connected, listen: engine.listen(() => connected), migrated: engine.migrated };
    } catch (error) {
      throw cannotOpenDatabase(location, error);
    }
  };
  let { db, listen, migrated } = await connect();
  try {
    if (!readOnly) await migrate(db);
    else if (!migrated()) {
      // written by an older sgci: bring the file up to date once, then open it read-only as asked
      await db.destroy();
      await (await openStore({ ...options, readOnly: false })).close();
      ({ db, listen } = await connect());
    }
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof SgciError) throw error;
    throw new SgciError('DATABASE_ERROR', location, `cannot migrate database: ${describe(error)}`, { cause: error });
  }
  return assembleStore(kind, location, db, listen);
}

function assembleStore(kind: StoreKind, location: string, db: Kysely<Database>, listen: Listen): Store {
  const listeners = new Set<NotificationListener>();
  const close = async () => {
    await Promise.all([...listeners].map((l) => l.close().catch(() => undefined)));
    await db.destroy();
  };
  const store: Store = {
    kind,
    location,
    ...repositories(db),
    transaction: (fn) => db.transaction().execute((trx) => fn(repositories(trx))),
    exportIndex: async (file) => (await import('./index-file.ts')).exportIndex(store, file),
    installIndex: async (file, feed) => (await import('./index-file.ts')).installIndex(store, file, feed),
    listen: async (channel, handlers) => {
      const listener = await listen(channel, handlers);
      listeners.add(listener);
      return {
        sync: () => listener.sync(),
        close: async () => {
          listeners.delete(listener);
          await listener.close();
        },
      };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return store;
}
