import { type Kysely, sql } from 'kysely';

/**
 * Re-matching at scale: beside each scanned version, the part of its SBOM that matching reads (packages by PURL,
 * ecosystem, name, version and source package, which OS package owns which, the distro), written with the scan's
 * result. Re-evaluating a version reads these few kilobytes instead of its whole stored pass (the SBOM with every
 * file location, the secrets scan and the check inputs: 250–600 KB). Versions scanned before this migration have
 * none and fall back to the stored pass, which their first re-evaluation copies from.
 *
 * Every re-evaluation reads and rewrites the version's result (100–300 KB of JSON): on a server built with lz4 (the
 * distributions' PostgreSQL is), that column and the matching input are compressed with lz4 instead of pglz, which
 * takes a few milliseconds per result each way. Values are recompressed as they are written; PGlite has no lz4 and
 * keeps pglz. Each re-evaluation also marks every finding of the version seen: with room left on each page of
 * `findings` that update stays on the page and leaves its three indexes alone (half the cost, measured on PGlite).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('matching_inputs')
    .addColumn('submission', 'text', (c) => c.primaryKey().references('submissions.id'))
    .addColumn('input', 'jsonb', (c) => c.notNull())
    .execute();
  await sql`do $$ begin
      alter table submissions alter column result set compression lz4;
      alter table matching_inputs alter column input set compression lz4;
    exception when feature_not_supported then null;
    end $$`.execute(db);
  await sql`alter table findings set (fillfactor = 70)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table findings reset (fillfactor)`.execute(db);
  await sql`alter table submissions alter column result set compression default`.execute(db);
  await db.schema.dropTable('matching_inputs').execute();
}
