import { type Kysely, sql } from 'kysely';

/**
 * Living verdicts: every finding of every scanned version with its SLA clock (never deleted: a finding that
 * disappears is `fixed`), when each version must be evaluated again without new data (the next deadline, the end
 * of its grace, the renewal of its verdict), and which state of the advisory store the watch job last handled.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('findings')
    .addColumn('submission', 'text', (c) => c.notNull().references('submissions.id'))
    // the report's finding id: `<vulnerability>|<purl>`
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('vulnerability', 'text', (c) => c.notNull())
    .addColumn('aliases', 'jsonb', (c) => c.notNull())
    .addColumn('purl', 'text', (c) => c.notNull())
    .addColumn('package', 'text', (c) => c.notNull())
    .addColumn('installed', 'text', (c) => c.notNull())
    .addColumn('fixed_versions', 'jsonb', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('severity_source', 'jsonb', (c) => c.notNull())
    .addColumn('judgement', 'text', (c) => c.notNull().check(sql`judgement in ('open', 'os-owned-upstream')`))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'suppressed', 'fixed')`))
    .addColumn('vex', 'jsonb')
    .addColumn('first_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('fix_available_since', 'timestamptz')
    .addColumn('sla_due', 'timestamptz')
    // when its sla-breach event was written: once per finding
    .addColumn('breached_at', 'timestamptz')
    .addColumn('fixed_at', 'timestamptz')
    // digest of what an evaluation states about the finding: unchanged rows are not written again
    .addColumn('content', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('findings_pk', ['submission', 'id'])
    .execute();
  await db.schema.createIndex('findings_vulnerability').on('findings').column('vulnerability').execute();
  await sql`create index findings_open_due on findings (sla_due) where state = 'open'`.execute(db);

  await db.schema
    .createTable('reevaluations')
    .addColumn('submission', 'text', (c) => c.primaryKey().references('submissions.id'))
    // the earliest time the clock alone may change the version's findings, state or verdict; null: never
    .addColumn('due_at', 'timestamptz')
    .addColumn('evaluated_at', 'timestamptz')
    .execute();
  await sql`create index reevaluations_due on reevaluations (due_at) where due_at is not null`.execute(db);

  await db.schema
    .createTable('advisory_watch')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('handled_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['advisory_watch', 'reevaluations', 'findings']) await db.schema.dropTable(table).execute();
}
