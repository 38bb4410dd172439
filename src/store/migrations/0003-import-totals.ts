import { type Kysely, sql } from 'kysely';

/** The advisory total after each import: reports read it instead of counting 200,000 rows per scan. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('imports')
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('total').execute();
}
