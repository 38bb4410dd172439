import { DatabaseSync } from 'node:sqlite';
import { Kysely } from 'kysely';
import { migrations } from './migrations/index.ts';
import { type ReadName, readQueries, type WriteName, writeQueries } from './read-queries.ts';
import type { Database } from './schema.ts';
import { NodeSqliteDialect } from './sqlite-dialect.ts';
import type { CompiledStatement, ReadStatements, StatementParameter } from './sqlite-reads.ts';

/** A parameter's value while compiling: its name behind a prefix no real value has. */
const marker = '\u0000read-parameter:';

/**
 * `read-statements.json`, compiled from `readQueries` by the SQLite engine's own compiler: each parameter is
 * recorded by name (a list as one element) or, when the definition fixes it (a limit), by value. With the names
 * of every migration, so the reader knows a file is current without loading them. The monitor round's writes
 * (`writeQueries`) are compiled alike.
 */
export function compileReadStatements(): ReadStatements {
  const database = new DatabaseSync(':memory:');
  const db = new Kysely<Database>({ dialect: new NodeSqliteDialect(database, 'memory://') });
  const params = new Proxy(
    {},
    { get: (_, key) => (key === 'list' ? [`${marker}list`] : `${marker}${String(key)}`) },
  ) as never;
  const compile = (query: { compile(): { sql: string; parameters: readonly unknown[] } }): CompiledStatement => {
    const compiled = query.compile();
    return {
      sql: compiled.sql,
      parameters: compiled.parameters.map(
        (value): StatementParameter =>
          typeof value === 'string' && value.startsWith(marker)
            ? { name: value.slice(marker.length) }
            : { value: value as number | string },
      ),
    };
  };
  const statements = {} as Record<ReadName, CompiledStatement>;
  for (const name of Object.keys(readQueries) as ReadName[]) statements[name] = compile(readQueries[name](db, params));
  const writes = {} as Record<WriteName, CompiledStatement>;
  for (const name of Object.keys(writeQueries) as WriteName[]) writes[name] = compile(writeQueries[name](db, params));
  database.close();
  return { migrations: Object.keys(migrations), statements, writes };
}
