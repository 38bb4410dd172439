import { type Kysely, sql } from 'kysely';
import { writeVersionFigures } from '../../images/figures.ts';
import type { StoredScanResult } from '../../submissions/result.ts';
import type { CatalogueTx } from '../open.ts';

/**
 * The public catalogue's read side: per version the figures the API lists and filters by (written with every
 * result by `recordScanResult`), and per image its newest public version (kept by a trigger on `submissions`, so
 * every state change, by whichever module, moves it). A list or search request then reads one row per image
 * through indexes instead of parsing stored results.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('version_figures')
    .addColumn('submission', 'text', (c) => c.primaryKey().references('submissions.id').onDelete('cascade'))
    .addColumn('image', 'text', (c) => c.notNull().references('images.name').onDelete('cascade'))
    // os-release ID and VERSION_ID of the image, null for images without a distribution (static, scratch)
    .addColumn('distro', 'text')
    .addColumn('distro_version', 'text')
    // the SBOM's package ecosystems (`deb`, `npm`, `pypi` …): what "runtime/language" filters by
    .addColumn('ecosystems', 'jsonb', (c) => c.notNull())
    // position in severityOrder (0 = CRITICAL) of the highest open finding a fix exists for; null: none
    .addColumn('fixable_rank', 'smallint')
    .addColumn('overdue', 'integer', (c) => c.notNull())
    .addColumn('baseline', 'text', (c) => c.notNull().check(sql`baseline in ('passed', 'failed')`))
    // everything the API shows of the version's result (images/figures.ts VersionFigures)
    .addColumn('figures', 'jsonb', (c) => c.notNull())
    // the VEX statements that decided the version's findings, restated for its digest: its published VEX
    .addColumn('vex', 'jsonb', (c) => c.notNull())
    // sha256 of the canonical result: what the export's validator is derived from
    .addColumn('result_digest', 'text', (c) => c.notNull())
    .execute();
  // results recorded before this migration get their figures now, by the code that writes them from here on
  const catalogue = db as unknown as CatalogueTx;
  const recorded = await catalogue
    .selectFrom('submissions')
    .select(['id', 'result'])
    .where('result', 'is not', null)
    .execute();
  for (const row of recorded)
    await writeVersionFigures(catalogue, [{ submission: row.id, result: row.result as StoredScanResult }]);
  await db.schema.createIndex('version_figures_image').on('version_figures').column('image').execute();
  await sql`create index version_figures_ecosystems on version_figures using gin (ecosystems jsonb_path_ops)`.execute(
    db,
  );
  await db.schema
    .createIndex('version_figures_distro')
    .on('version_figures')
    .columns(['distro', 'distro_version'])
    .execute();
  await sql`create index images_categories on images using gin (categories jsonb_path_ops)`.execute(db);
  await db.schema.createIndex('submissions_image_digest').on('submissions').columns(['image', 'digest']).execute();
  // the feed reads the newest status changes and new findings, among far more account and job events
  await sql`create index events_feed on events (id)
      where subject_kind = 'submission' and kind in ('status', 'finding-new')`.execute(db);

  await db.schema
    .createTable('latest_versions')
    .addColumn('image', 'text', (c) => c.primaryKey().references('images.name').onDelete('cascade'))
    .addColumn('submission', 'text', (c) => c.notNull().references('submissions.id').onDelete('cascade'))
    .execute();
  // Locking the image row first serialises two transactions changing versions of the same image, so the later
  // one recomputes after the earlier has committed and the pointer never names a version that is no longer newest.
  await sql`create function refresh_latest_version() returns trigger language plpgsql as $$
    begin
      perform 1 from images where name = new.image for no key update;
      delete from latest_versions where image = new.image;
      insert into latest_versions (image, submission)
        select image, id from submissions
        where image = new.image and status in ('admitted', 'at-risk', 'suspended')
        order by created_at desc, id desc
        limit 1;
      return null;
    end $$`.execute(db);
  await sql`create trigger submissions_latest_version after insert or update of status on submissions
      for each row execute function refresh_latest_version()`.execute(db);
  await sql`insert into latest_versions (image, submission)
      select distinct on (image) image, id from submissions
      where status in ('admitted', 'at-risk', 'suspended')
      order by image, created_at desc, id desc`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger submissions_latest_version on submissions`.execute(db);
  await sql`drop function refresh_latest_version()`.execute(db);
  await db.schema.dropTable('latest_versions').execute();
  await db.schema.dropIndex('events_feed').execute();
  await db.schema.dropIndex('submissions_image_digest').execute();
  await db.schema.dropIndex('images_categories').execute();
  await db.schema.dropTable('version_figures').execute();
}
