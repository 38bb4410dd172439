import type { Kysely } from 'kysely';

/**
 * `sgci monitor`: the watched tags, the ledger of observed tag → digest runs (append-only: a row is added when a
 * tag points at a new digest; only the newest row of a tag has its `last_seen` moved forward), and the alarms.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitor_watches')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('registry', 'text', (c) => c.notNull())
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('every_seconds', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addColumn('checked_at', 'timestamptz')
    .addColumn('current_observation', 'integer')
    .addColumn('pinned_digest', 'text')
    .addColumn('pinned_at', 'timestamptz')
    .addColumn('category', 'text')
    .addUniqueConstraint('monitor_watches_ref', ['registry', 'repository', 'tag', 'platform'])
    .execute();
  await db.schema
    .createTable('monitor_observations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('registry', 'text', (c) => c.notNull())
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('platform_digest', 'text', (c) => c.notNull())
    .addColumn('config_digest', 'text', (c) => c.notNull())
    .addColumn('diff_ids', 'jsonb', (c) => c.notNull())
    .addColumn('first_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('change', 'jsonb')
    .execute();
  await db.schema
    .createIndex('monitor_observations_ref')
    .on('monitor_observations')
    .columns(['registry', 'repository', 'tag', 'platform', 'id'])
    .execute();
  await db.schema
    .createTable('monitor_alarms')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('registry', 'text', (c) => c.notNull())
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('digest', 'text')
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitor_alarms_ref')
    .on('monitor_alarms')
    .columns(['registry', 'repository', 'tag', 'platform', 'id'])
    .execute();
  // Debian source versions by the first time the monitor saw them in a suite's package index (time-to-patch)
  await db.schema
    .createTable('monitor_package_versions')
    .addColumn('suite', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_package_versions_pk', ['suite', 'source', 'version'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['monitor_package_versions', 'monitor_alarms', 'monitor_observations', 'monitor_watches'])
    await db.schema.dropTable(table).execute();
}
