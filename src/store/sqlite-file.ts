import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SgciError } from '../core/index.ts';

/** How long a writer waits for another (an import holding the write lock) before failing with "database is locked". */
const busyTimeoutMs = 30_000;

/**
 * Opens the SQLite file of the store (`memory://`: an in-memory database). Writers use write-ahead logging, so
 * lookups read a consistent snapshot while an import runs and never wait for it; `synchronous = normal` is WAL's
 * durable-on-crash setting (a power cut may lose the last import, never corrupt the file).
 */
export function openSqlite(location: string, options: { readOnly: boolean }): DatabaseSync {
  if (location === 'memory://') return new DatabaseSync(':memory:');
  if (!options.readOnly) mkdirSync(dirname(location), { recursive: true, mode: 0o700 });
  const database = new DatabaseSync(location, {
    readOnly: options.readOnly,
    timeout: busyTimeoutMs,
    enableForeignKeyConstraints: true,
  });
  try {
    if (!options.readOnly) database.exec('pragma journal_mode = wal; pragma synchronous = normal');
    // a file that is not SQLite fails here, at open, rather than at the first query
    database.prepare('select count(*) from sqlite_schema').get();
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

/**
 * SQLite's own errors (locked, read-only, corrupt, full disk) as a DATABASE_ERROR naming the file: "database is
 * locked" alone does not say which. Anything else is ours and stays as it is.
 */
export function sqliteFailure(error: unknown, location: string): unknown {
  if ((error as { code?: unknown }).code !== 'ERR_SQLITE_ERROR') return error;
  return new SgciError('DATABASE_ERROR', location, (error as Error).message, { cause: error });
}
