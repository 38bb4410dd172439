import type { Kysely } from 'kysely';

/**
 * Beside each version's result, the digest of its checks report (canonical JSON), written with the result. A
 * re-evaluation matches vulnerabilities again and leaves the checks as the scan judged them: the verdict's input
 * attestation and the result's digest reuse this instead of hashing the same 100–200 KB report each time. Versions
 * recorded before have none until their next evaluation computes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('submissions').addColumn('checks_digest', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('submissions').dropColumn('checks_digest').execute();
}
