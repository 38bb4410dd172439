import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { ReadName, ReadParams, ReadRow, ReadRunner, WriteName, WriteParams, WriteRunner } from './read-queries.ts';
import compiled from './read-statements.json' with { type: 'json' };
import { sqliteFailure } from './sqlite-file.ts';

/** A bound value of a compiled read: a parameter of the query by name (`list`: one element), or a fixed value. */
export type StatementParameter = { readonly name: string } | { readonly value: number | string };

/** One query as SQLite runs it. */
export interface CompiledStatement {
  readonly sql: string;
  readonly parameters: readonly StatementParameter[];
}

/** `read-statements.json`: the read queries and the round's writes as SQLite runs them, and the migrations a current file has run. */
export interface ReadStatements {
  readonly migrations: readonly string[];
  readonly statements: Readonly<Record<ReadName, CompiledStatement>>;
  readonly writes: Readonly<Record<WriteName, CompiledStatement>>;
}

const readStatements: ReadStatements = compiled;

/** Whether every migration of this sgci has run on the file (a read-only open must not migrate). */
export function migrationsDone(database: DatabaseSync): boolean {
  const table = database
    .prepare(`select count(*) as n from sqlite_schema where type = 'table' and name = 'kysely_migration'`)
    .get();
  if (Number(table?.n) === 0) return false;
  const done = new Set(
    database
      .prepare('select name from kysely_migration')
      .all()
      .map((row) => row.name),
  );
  return readStatements.migrations.every((name) => done.has(name));
}

type Named = Readonly<Record<string, unknown>>;

/** Values node:sqlite binds, as the dialect binds them (sqlite-dialect.ts): a Date as ISO text. */
function bindable(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  return value instanceof Date ? value.toISOString() : (value as SQLInputValue);
}

/** A compiled statement's values: the parameters by name, `list` as its one element, or the fixed values. */
function bind(statement: CompiledStatement, named: Named, element?: unknown): SQLInputValue[] {
  return statement.parameters.map((p) =>
    'value' in p ? p.value : bindable(p.name === 'list' ? element : named[p.name]),
  );
}

/** Statements prepared once each, by name, on one open file. */
function preparedStatements<N extends string>(
  database: DatabaseSync,
  compiledOf: Readonly<Record<N, CompiledStatement>>,
): (name: N) => StatementSync {
  const prepared = new Map<N, StatementSync>();
  return (name) => {
    let statement = prepared.get(name);
    if (!statement) {
      statement = database.prepare(compiledOf[name].sql);
      prepared.set(name, statement);
    }
    return statement;
  };
}

/**
 * The read queries on an open SQLite file without kysely: the statements `compile-reads.ts` compiled from
 * `readQueries`, prepared once each; a list parameter runs the statement once per element.
 */
export function sqliteReads(database: DatabaseSync, location: string): ReadRunner {
  const prepare = preparedStatements(database, readStatements.statements);
  return {
    async rows<N extends ReadName>(name: N, params: ReadParams<N>): Promise<ReadRow<N>[]> {
      const compiled = readStatements.statements[name];
      const named = params as Named;
      try {
        const statement = prepare(name);
        const list = named.list as readonly unknown[] | undefined;
        if (list === undefined) return statement.all(...bind(compiled, named)) as ReadRow<N>[];
        const rows: ReadRow<N>[] = [];
        for (const element of list)
          for (const row of statement.all(...bind(compiled, named, element))) rows.push(row as ReadRow<N>);
        return rows;
      } catch (error) {
        throw sqliteFailure(error, location);
      }
    },
  };
}

/**
 * The round's writes on an open SQLite file without kysely, compiled from `writeQueries`: a list runs the
 * statement once per element, all of them in one transaction (one commit, not one per row; all or none).
 */
export function sqliteWrites(database: DatabaseSync, location: string): WriteRunner {
  const prepare = preparedStatements(database, readStatements.writes);
  return {
    async run<N extends WriteName>(name: N, params: WriteParams<N>): Promise<void> {
      const compiled = readStatements.writes[name];
      const named = params as Named;
      const list = named.list as readonly unknown[];
      if (list.length === 0) return;
      try {
        const statement = prepare(name);
        database.exec('begin immediate');
        try {
          for (const element of list) statement.run(...bind(compiled, named, element));
          database.exec('commit');
        } catch (error) {
          database.exec('rollback');
          throw error;
        }
      } catch (error) {
        throw sqliteFailure(error, location);
      }
    },
  };
}
