import type { Kysely } from 'kysely';

/** Scan results by content key: what `sgci scan --cache` and the server reuse instead of reading layers again. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scan_results')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('manifest_digest', 'text', (c) => c.notNull())
    .addColumn('tool_version', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scan_results_manifest_digest').on('scan_results').column('manifest_digest').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scan_results').execute();
}
