import { type Kysely, sql } from 'kysely';

/**
 * Webhooks: the registered receivers (their secrets sealed with the operator's credentials key), one delivery per
 * (webhook, event) with the exact body sent, every attempt of it (the delivery log), and the dispatcher's cursor
 * into the events table.
 *
 * The cursor cannot be the event id alone: ids are drawn when a row is inserted but become visible when its
 * transaction commits, so event 101 may be seen before event 100 and a cursor at 101 would skip 100 for good.
 * Each event therefore records the id of the transaction that wrote it (`xid`, PostgreSQL's 64-bit transaction id),
 * and the dispatcher reads only events of transactions older than every one still running
 * (`pg_snapshot_xmin(pg_current_snapshot())`), in (xid, id) order: that set never grows behind the cursor.
 * Events written before this migration keep a null xid and are never dispatched (no webhook existed for them).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add column xid xid8`.execute(db);
  await sql`alter table events alter column xid set default pg_current_xact_id()`.execute(db);
  await sql`create index events_xid on events (xid, id)`.execute(db);

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'jsonb', (c) => c.notNull())
    // null: every organisation's events (admins only)
    .addColumn('organisation', 'text', (c) => c.references('organisations.slug').onDelete('cascade'))
    // AES-256-GCM under the operator's credentials key, bound to the webhook's id (accounts/secret-box.ts)
    .addColumn('sealed_secret', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_organisation').on('webhooks').column('organisation').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event_id', 'bigint', (c) => c.notNull().references('events.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    // the JSON body exactly as signed and sent: a retry or a redelivery sends the same bytes
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'delivered', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_try_at', 'timestamptz')
    // the one queued job allowed to make the next try; a redelivery replaces it, the old one then does nothing
    .addColumn('pending_job', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    // exactly one delivery per webhook and event, however many dispatchers raced
    .addUniqueConstraint('webhook_deliveries_event', ['webhook', 'event_id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_list')
    .on('webhook_deliveries')
    .columns(['webhook', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_created').on('webhook_deliveries').column('created_at').execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('delivery', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('response_excerpt', 'text')
    .addColumn('next_try_at', 'timestamptz')
    .addPrimaryKeyConstraint('webhook_attempts_pk', ['delivery', 'attempt'])
    .execute();

  await db.schema
    .createTable('webhook_cursor')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('xid', sql`xid8`, (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into webhook_cursor (name, xid, event_id) values ('events', '0', 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['webhook_cursor', 'webhook_attempts', 'webhook_deliveries', 'webhooks']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`alter table events drop column xid`.execute(db);
}
