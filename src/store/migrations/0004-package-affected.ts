import type { Kysely } from 'kysely';

/**
 * Each package index row carries that package's `affected` entries, so matching transfers only the ranges of
 * every candidate and loads full records for the advisories that matched. Rows written before this migration
 * keep null and are read through the full record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('advisory_packages').addColumn('affected', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('advisory_packages').dropColumn('affected').execute();
}
