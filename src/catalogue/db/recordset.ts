import { type RawBuilder, sql } from 'kysely';

/**
 * Rows as one JSON parameter read back as the recordset `r` with these columns and types (`column: 'text'`, …):
 * a batch of rows for an insert, or to join an update with, in one bound value instead of one per field, which both
 * engines take in a fraction of the time. Column names and types are the caller's constants, never input.
 */
export function recordset(rows: readonly object[], columns: Readonly<Record<string, string>>): RawBuilder<unknown> {
  const definition = Object.entries(columns).map(([column, type]) => `${column} ${type}`);
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${sql.raw(definition.join(', '))})`;
}
