import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type DataTypeNode,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { SingleConnectionDriver } from './single-connection-driver.ts';
import { sqliteFailure } from './sqlite-file.ts';

/**
 * A kysely dialect for Node's built-in SQLite (`node:sqlite`, synchronous, in process). The migrations are
 * written once, in PostgreSQL's column types; this dialect maps those types to SQLite's storage classes, so the
 * same migrations build the same tables on every engine. Timestamps are stored as ISO 8601 text (UTC, `Z`) and
 * JSON as text; repositories parse JSON columns at their edge (PostgreSQL returns them parsed).
 */
export class NodeSqliteDialect implements Dialect {
  readonly #database: DatabaseSync;
  readonly #location: string;

  /** `location` names the file in errors: "database is locked" alone does not say which. */
  constructor(database: DatabaseSync, location: string) {
    this.#database = database;
    this.#location = location;
  }

  createAdapter() {
    return new TransactionalDdlSqliteAdapter();
  }

  createDriver(): Driver {
    const database = this.#database;
    return new SingleConnectionDriver({
      connection: new NodeSqliteConnection(database, this.#location),
      // takes the write lock at the start: two writers (an import and `vex add`) then wait for each other (busy
      // timeout) instead of both reading and failing when one upgrades to write
      begin: 'begin immediate',
      ready: async () => undefined,
      close: async () => {
        if (database.isOpen) database.close();
      },
    });
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresTypesSqliteQueryCompiler();
  }
}

/** SQLite runs DDL inside transactions; kysely's adapter says otherwise for drivers that cannot. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * PostgreSQL column types of the shared migrations, as SQLite stores them. `serial primary key` becomes
 * `integer primary key`: the rowid, numbered on insert as serial is.
 */
const sqliteTypes: Readonly<Record<string, string>> = {
  serial: 'integer',
  bigserial: 'integer',
  timestamptz: 'text',
  jsonb: 'text',
};

class PostgresTypesSqliteQueryCompiler extends SqliteQueryCompiler {
  protected override visitDataType(node: DataTypeNode): void {
    this.append(sqliteTypes[node.dataType] ?? node.dataType);
  }
}

/** Values node:sqlite binds: Date becomes ISO text, booleans 0/1, undefined NULL. */
function bindable(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value as SQLInputValue;
}

/** Prepared statements kept per SQL text: repeated batch statements skip SQLite's parser and planner. */
const maxCachedStatements = 64;

class NodeSqliteConnection implements DatabaseConnection {
  readonly #database: DatabaseSync;
  readonly #location: string;
  readonly #statements = new Map<string, StatementSync>();

  constructor(database: DatabaseSync, location: string) {
    this.#database = database;
    this.#location = location;
  }

  #prepare(sql: string): StatementSync {
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const statement = this.#database.prepare(sql);
    if (this.#statements.size >= maxCachedStatements) {
      const oldest = this.#statements.keys().next().value;
      if (oldest !== undefined) this.#statements.delete(oldest);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const statement = this.#prepare(compiledQuery.sql);
      const parameters = compiledQuery.parameters.map(bindable);
      if (statement.columns().length > 0) return { rows: statement.all(...parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(...parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    } catch (error) {
      throw sqliteFailure(error, this.#location);
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.#prepare(compiledQuery.sql);
    let rows: R[] = [];
    for (const row of statement.iterate(...compiledQuery.parameters.map(bindable))) {
      rows.push(row as R);
      if (rows.length >= chunkSize) {
        yield { rows };
        rows = [];
      }
    }
    if (rows.length > 0) yield { rows };
  }
}
