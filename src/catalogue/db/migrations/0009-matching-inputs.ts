import type { Kysely } from 'kysely';

/**
 * Re-matching at scale: beside each scanned version, the part of its SBOM that matching reads (packages by PURL,
 * ecosystem, name, version and source package, which OS package owns which, the distro), written with the scan's
 * result. Re-evaluating a version reads these few kilobytes instead of its whole stored pass (the SBOM with every
 * file location, the secrets scan and the check inputs: 250–600 KB). Versions scanned before this migration have
 * none and fall back to the stored pass, which their first re-evaluation copies from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('matching_inputs')
    .addColumn('submission', 'text', (c) => c.primaryKey().references('submissions.id'))
    .addColumn('input', 'jsonb', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('matching_inputs').execute();
}
