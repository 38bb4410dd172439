import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { dataDir as defaultDataDir, describe, SgciError } from '../core/index.ts';
import { AdvisoryRepository } from './advisories.ts';
import { migrationProvider } from './migrations/index.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { ScanRepository } from './scans.ts';
import type { Database } from './schema.ts';
import { VexRepository } from './vex.ts';

export interface StoreOptions {
  /** PostgreSQL connection string; default `DATABASE_URL`. When set, PGlite is not used. */
  readonly databaseUrl?: string;
  /** PGlite data directory; default `$SGCI_HOME/db`. `memory://` keeps the database in memory. */
  readonly dataDir?: string;
}

/** Repositories over one connection or transaction. */
export interface StoreRepositories {
  readonly db: Kysely<Database>;
  readonly advisories: AdvisoryRepository;
  readonly vex: VexRepository;
  readonly scans: ScanRepository;
}

/** The one database layer of sgci: PGlite embedded by default, PostgreSQL when configured. */
export interface Store extends StoreRepositories, AsyncDisposable {
  readonly kind: 'pglite' | 'postgres';
  /** The data directory, or the database URL without its password: safe to print. */
  readonly location: string;
  /** Runs `fn` in one transaction: everything it wrote is rolled back if it throws. */
  transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function repositories(db: Kysely<Database>): StoreRepositories {
  return { db, advisories: new AdvisoryRepository(db), vex: new VexRepository(db), scans: new ScanRepository(db) };
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

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  let kind: Store['kind'];
  let location: string;
  let db: Kysely<Database>;
  try {
    if (databaseUrl) {
      kind = 'postgres';
      location = redactDatabaseUrl(databaseUrl);
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
      // An idle client losing its server (restart, admin shutdown) must not crash the process; the next
      // query gets a fresh client or fails with a DATABASE_ERROR of its own.
      pool.on('error', () => undefined);
      db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    } else {
      kind = 'pglite';
      location = options.dataDir ?? join(defaultDataDir(), 'db');
      if (location !== 'memory://') mkdirSync(location, { recursive: true, mode: 0o700 });
      const pglite = await PGlite.create(location === 'memory://' ? undefined : location);
      db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    }
  } catch (error) {
    throw new SgciError(
      'DATABASE_ERROR',
      databaseUrl ? redactDatabaseUrl(databaseUrl) : (options.dataDir ?? ''),
      `cannot open database: ${describe(error)}`,
      { cause: error },
    );
  }
  try {
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    if (error) throw error;
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new SgciError('DATABASE_ERROR', location, `cannot migrate database: ${describe(error)}`, { cause: error });
  }
  const close = () => db.destroy();
  return {
    kind,
    location,
    ...repositories(db),
    transaction: (fn) => db.transaction().execute((trx) => fn(repositories(trx))),
    close,
    [Symbol.asyncDispose]: close,
  };
}
