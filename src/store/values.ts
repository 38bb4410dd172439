/** Conversions and bounds shared by the repositories, the same on every engine. */

/**
 * Bound parameters per statement: below SQLite's 32,766 and PostgreSQL's 65,535, so one batch of rows is one
 * statement on every engine.
 */
export const maxParameters = 30_000;

/** A timestamp column as ISO 8601 UTC: a Date from PostgreSQL, ISO text from SQLite. */
export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** A JSON column, parsed: PostgreSQL returns jsonb parsed, SQLite the text. */
export function parseJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** `items` in slices of at most `size`. */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Code-unit order: the same on every engine, whatever the database's collation. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
