import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { ReadName, ReadParams, ReadRow, ReadRunner } from './read-queries.ts';
import compiled from './read-statements.json' with { type: 'json' };
import { sqliteFailure } from './sqlite-file.ts';

/** A bound value of a compiled read: a parameter of the query by name (`list`: one element), or a fixed value. */
export type StatementParameter = { readonly name: string } | { readonly value: number | string };

/** `read-statements.json`: the read queries as SQLite runs them, and the migrations a current file has run. */
export interface ReadStatements {
  readonly migrations: readonly string[];
  readonly statements: Readonly<
    Record<ReadName, { readonly sql: string; readonly parameters: readonly StatementParameter[] }>
  >;
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

/**
 * The read queries on an open SQLite file without kysely: the statements `compile-reads.ts` compiled from
 * `readQueries`, prepared once each; a list parameter runs the statement once per element.
 */
export function sqliteReads(database: DatabaseSync, location: string): ReadRunner {
  const prepared = new Map<ReadName, StatementSync>();
  return {
    async rows<N extends ReadName>(name: N, params: ReadParams<N>): Promise<ReadRow<N>[]> {
      const { sql, parameters } = readStatements.statements[name];
      const named = params as Readonly<Record<string, SQLInputValue | readonly string[]>>;
      const bind = (element?: string) =>
        parameters.map((p) =>
          'value' in p ? p.value : p.name === 'list' ? (element ?? null) : named[p.name],
        ) as SQLInputValue[];
      try {
        let statement = prepared.get(name);
        if (!statement) {
          statement = database.prepare(sql);
          prepared.set(name, statement);
        }
        const list = named.list as readonly string[] | undefined;
        if (list === undefined) return statement.all(...bind()) as ReadRow<N>[];
        const rows: ReadRow<N>[] = [];
        for (const element of list) for (const row of statement.all(...bind(element))) rows.push(row as ReadRow<N>);
        return rows;
      } catch (error) {
        throw sqliteFailure(error, location);
      }
    },
  };
}
