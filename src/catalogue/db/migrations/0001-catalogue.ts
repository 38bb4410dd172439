import { type Kysely, sql } from 'kysely';

/**
 * The catalogue's core: who (organisations, users, memberships), what (images and their submitted versions), the
 * append-only event log and the durable job queue. PostgreSQL only (PGlite embedded or a server): the queue
 * claims with `FOR UPDATE SKIP LOCKED` and search uses PostgreSQL's full-text search.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contact', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('login', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    // a global role above organisation membership; null: a contributor only where a membership says so
    .addColumn('role', 'text', (c) => c.check(sql`role in ('reviewer', 'admin')`))
    .addColumn('password_hash', 'text')
    .addColumn('oidc_issuer', 'text')
    .addColumn('oidc_subject', 'text')
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz')
    .addUniqueConstraint('users_oidc', ['oidc_issuer', 'oidc_subject'])
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organisation', 'text', (c) => c.notNull().references('organisations.slug'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'organisation'])
    .execute();

  await db.schema
    .createTable('images')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('organisation', 'text', (c) => c.notNull().references('organisations.slug'))
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('description_de', 'text', (c) => c.notNull())
    .addColumn('description_en', 'text', (c) => c.notNull())
    .addColumn('categories', 'jsonb', (c) => c.notNull())
    .addColumn('license', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('end_of_life', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // German and English stems side by side: a search for "gehärtet" or "hardened" finds the same image
  await sql`alter table images add column search tsvector generated always as (
      setweight(to_tsvector('simple', name), 'A')
      || setweight(to_tsvector('german', description_de), 'B')
      || setweight(to_tsvector('english', description_en), 'B')) stored`.execute(db);
  await sql`create index images_search on images using gin (search)`.execute(db);

  await db.schema
    .createTable('maintainers')
    .addColumn('image', 'text', (c) => c.notNull().references('images.name').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('organisation', 'text', (c) => c.notNull().references('organisations.slug'))
    .addColumn('since', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('maintainers_pk', ['image', 'user_id'])
    .execute();

  await db.schema
    .createTable('submissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('image', 'text', (c) => c.notNull().references('images.name'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('tag', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('organisation', 'text', (c) => c.notNull().references('organisations.slug'))
    .addColumn('submitted_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('inputs', 'jsonb', (c) => c.notNull())
    .addColumn('policy_digest', 'text')
    .addColumn('scan_key', 'text')
    .addColumn('result', 'jsonb')
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('admitted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('submissions_image').on('submissions').columns(['image', 'created_at']).execute();
  await db.schema.createIndex('submissions_status').on('submissions').column('status').execute();
  // one live submission per digest of an image: a digest that was rejected may come again, an open one may not
  await sql`create unique index submissions_live_digest on submissions (image, digest)
      where status not in ('rejected', 'withdrawn', 'checks-failed', 'changes-requested')`.execute(db);

  await db.schema
    .createTable('decisions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('submission', 'text', (c) => c.notNull().references('submissions.id'))
    .addColumn('reviewer', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('admit', 'reject', 'request-changes')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('manual_checks', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('decisions_submission').on('decisions').columns(['submission', 'id']).execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await db.schema.createIndex('events_subject').on('events').columns(['subject_kind', 'subject_id', 'id']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('queued', 'running', 'done', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_after', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`create index jobs_ready on jobs (run_after, id) where state = 'queued'`.execute(db);
  await sql`create index jobs_running on jobs (locked_until) where state = 'running'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'jobs',
    'events',
    'submissions',
    'maintainers',
    'images',
    'memberships',
    'users',
    'organisations',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
