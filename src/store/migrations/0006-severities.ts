import { type Kysely, sql } from 'kysely';

/**
 * Severity statements by vulnerability id, for findings their own advisories do not rate (Go's records carry no
 * CVSS): each advisory's statements under every id it names (own, aliases, upstream), and NVD's CVSS per CVE
 * (`source` = `NVD`, no advisory). A btree lookup by id, where searching the advisories' JSON would cost a GIN
 * scan per id on every match. Advisory rows go with their advisory (cascade).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('severities')
    .addColumn('vulnerability_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('advisory_id', 'text', (c) => c.references('advisories.id').onDelete('cascade'))
    .addColumn('severity', 'jsonb', (c) => c.notNull())
    .addColumn('modified', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('severities_pk', ['vulnerability_id', 'source'])
    .execute();
  await db.schema.createIndex('severities_advisory').on('severities').column('advisory_id').execute();
  // The advisories already stored, as the importer writes new ones (severityRowsOf in src/vuln/match/severity.ts):
  // vectors of `severity[]` and of each `affected` entry, and the words of `database_specific`/`ecosystem_specific`.
  await sql`
    with stored as (
      select id, modified, raw,
        case jsonb_typeof(raw -> 'affected') when 'array' then raw -> 'affected' else '[]'::jsonb end as affected
      from advisories
    ), statements as (
      select s.id, s.modified, jsonb_agg(e.entry) as severity
      from stored s cross join lateral (
        select jsonb_build_object('type', v ->> 'type', 'score', v ->> 'score') as entry
        from jsonb_array_elements(case jsonb_typeof(s.raw -> 'severity') when 'array' then s.raw -> 'severity'
                                  else '[]'::jsonb end) as v
        where v ->> 'type' in ('CVSS_V2', 'CVSS_V3', 'CVSS_V4')
        union all
        select jsonb_build_object('type', v ->> 'type', 'score', v ->> 'score')
        from jsonb_array_elements(s.affected) as a,
             jsonb_array_elements(case jsonb_typeof(a -> 'severity') when 'array' then a -> 'severity'
                                  else '[]'::jsonb end) as v
        where v ->> 'type' in ('CVSS_V2', 'CVSS_V3', 'CVSS_V4')
        union all
        select jsonb_build_object('type', 'ecosystem', 'rating', w.word)
        from (
          select s.raw -> 'database_specific' ->> 'severity' as word
          union all select a -> 'ecosystem_specific' ->> 'severity' from jsonb_array_elements(s.affected) as a
          union all select a -> 'database_specific' ->> 'severity' from jsonb_array_elements(s.affected) as a
        ) as w
        where w.word is not null
      ) as e
      group by s.id, s.modified
    )
    insert into severities (vulnerability_id, source, advisory_id, severity, modified)
    select distinct i.vulnerability_id, st.id, st.id, st.severity, st.modified
    from statements st
    join stored s on s.id = st.id
    cross join lateral (
      select st.id as vulnerability_id
      union select jsonb_array_elements_text(case jsonb_typeof(s.raw -> 'aliases') when 'array'
                                             then s.raw -> 'aliases' else '[]'::jsonb end)
      union select jsonb_array_elements_text(case jsonb_typeof(s.raw -> 'upstream') when 'array'
                                             then s.raw -> 'upstream' else '[]'::jsonb end)
    ) as i`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('severities').execute();
}
