import type { Kysely } from 'kysely';

/** VEX statements authored with `sgci vex add`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vex_statements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vulnerability', 'text', (c) => c.notNull())
    .addColumn('statement', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vex_statements_vulnerability').on('vex_statements').column('vulnerability').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vex_statements').execute();
}
