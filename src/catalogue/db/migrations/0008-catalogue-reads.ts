import { type Kysely, sql } from 'kysely';

/**
 * The public catalogue's reads at scale.
 *
 * 1. `latest_versions` carries everything the image list filters, ranks and shows of an image's newest public
 *    version (digest, status, tags, the figures' filter columns and vulnerability counts) and of the image itself
 *    (organisation, categories, search vector), so a list or search page filters, ranks, sorts and limits one table
 *    of one row per image, and joins the image's texts for the rows of the page only. One function recomputes an
 *    image's row from the tables it derives from; the triggers on `submissions` (a status changes),
 *    `version_figures` (a result is recorded or re-evaluated) and `images` (its entry is edited) call it. All lock
 *    the image row first, so two transactions changing the same image recompute one after the other, the later one
 *    from the committed state of the earlier.
 * 2. Every statement that changes a table the public API reads notifies `sgci_catalogue` (PostgreSQL sends one
 *    notification per payload and transaction, on commit): each `sgci serve` process listens and drops what it
 *    keeps of the public API's responses (server/response-cache.ts), whichever process made the change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table latest_versions
      add column organisation text,
      add column categories jsonb,
      add column search tsvector,
      add column digest text,
      add column status text,
      add column admitted_at timestamptz,
      -- every tag the digest was submitted under in a public submission, sorted
      add column tags jsonb,
      -- null while the version has no figures (version_figures)
      add column distro text,
      add column distro_version text,
      add column ecosystems jsonb,
      add column fixable_rank smallint,
      add column overdue integer,
      add column baseline text,
      add column vulnerabilities jsonb`.execute(db);
  await sql`create function refresh_latest_version_of(target text) returns void language plpgsql as $$
    begin
      perform 1 from images where name = target for no key update;
      delete from latest_versions where image = target;
      insert into latest_versions (image, submission, organisation, categories, search, digest, status, admitted_at,
          tags, distro, distro_version, ecosystems, fixable_rank, overdue, baseline, vulnerabilities)
        select s.image, s.id, i.organisation, i.categories, i.search, s.digest, s.status, s.admitted_at,
          (select coalesce(jsonb_agg(distinct t.tag order by t.tag), '[]'::jsonb) from submissions t
            where t.image = s.image and t.digest = s.digest and t.tag is not null
              and t.status in ('admitted', 'at-risk', 'suspended')),
          f.distro, f.distro_version, f.ecosystems, f.fixable_rank, f.overdue, f.baseline,
          f.figures -> 'vulnerabilities'
        from submissions s join images i on i.name = s.image left join version_figures f on f.submission = s.id
        where s.image = target and s.status in ('admitted', 'at-risk', 'suspended')
        order by s.created_at desc, s.id desc
        limit 1;
    end $$`.execute(db);
  await sql`create or replace function refresh_latest_version() returns trigger language plpgsql as $$
    begin
      perform refresh_latest_version_of(new.image);
      return null;
    end $$`.execute(db);
  // the lock before the check: a version becoming newest in a concurrent transaction then reads these figures
  await sql`create function refresh_latest_figures() returns trigger language plpgsql as $$
    begin
      perform 1 from images where name = new.image for no key update;
      if exists (select 1 from latest_versions where image = new.image and submission = new.submission) then
        perform refresh_latest_version_of(new.image);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger version_figures_latest_version after insert or update on version_figures
      for each row execute function refresh_latest_figures()`.execute(db);
  await sql`create function refresh_latest_image() returns trigger language plpgsql as $$
    begin
      perform refresh_latest_version_of(new.name);
      return null;
    end $$`.execute(db);
  await sql`create trigger images_latest_version
      after update of organisation, categories, description_de, description_en on images
      for each row execute function refresh_latest_image()`.execute(db);
  await sql`do $$
    declare target text;
    begin
      for target in select image from latest_versions loop
        perform refresh_latest_version_of(target);
      end loop;
    end $$`.execute(db);
  await sql`alter table latest_versions
      alter column organisation set not null,
      alter column categories set not null,
      alter column digest set not null,
      alter column status set not null,
      alter column tags set not null`.execute(db);
  await sql`create index latest_versions_search on latest_versions using gin (search)`.execute(db);
  await sql`create index latest_versions_categories on latest_versions using gin (categories jsonb_path_ops)`.execute(
    db,
  );

  await sql`create function notify_catalogue_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('sgci_catalogue', tg_table_name);
      return null;
    end $$`.execute(db);
  for (const table of publicReads) {
    await sql`create trigger ${sql.raw(`${table}_catalogue_change`)}
        after insert or update or delete or truncate on ${sql.table(table)}
        for each statement execute function notify_catalogue_change()`.execute(db);
  }
}

/**
 * What the public API's list, search and image pages read: images and their maintainers (with the users' names,
 * sign-ins and disabling, which make an image orphaned), versions, their figures and verdicts. `latest_versions`
 * only changes with these.
 */
const publicReads = ['images', 'maintainers', 'users', 'submissions', 'version_figures', 'verdicts'] as const;

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of publicReads)
    await sql`drop trigger ${sql.raw(`${table}_catalogue_change`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function notify_catalogue_change()`.execute(db);
  await sql`drop trigger images_latest_version on images`.execute(db);
  await sql`drop function refresh_latest_image()`.execute(db);
  await sql`drop trigger version_figures_latest_version on version_figures`.execute(db);
  await sql`drop function refresh_latest_figures()`.execute(db);
  // the trigger function as 0003 created it
  await sql`create or replace function refresh_latest_version() returns trigger language plpgsql as $$
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
  await sql`drop function refresh_latest_version_of(text)`.execute(db);
  await sql`drop index latest_versions_search`.execute(db);
  await sql`drop index latest_versions_categories`.execute(db);
  await sql`alter table latest_versions
      drop column organisation, drop column categories, drop column search, drop column digest, drop column status, drop column admitted_at, drop column tags, drop column distro,
      drop column distro_version, drop column ecosystems, drop column fixable_rank, drop column overdue,
      drop column baseline, drop column vulnerabilities`.execute(db);
}
