import { type Kysely, sql } from 'kysely';

/**
 * VEX triage: decisions recorded once for a vulnerability and a scope (a package URL, one image, or every image of
 * an organisation), applied to every matching version now and later. A decision is never edited or deleted: it is
 * withdrawn (and a new one recorded), so what applied when stays readable beside the events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vex_decisions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('vulnerability', 'text', (c) => c.notNull())
    .addColumn('scope_kind', 'text', (c) => c.notNull().check(sql`scope_kind in ('purl', 'image', 'organisation')`))
    // the package URL of a `purl` scope; for an image or organisation scope it narrows the decision to that package
    .addColumn('scope_purl', 'text')
    .addColumn('scope_image', 'text', (c) => c.references('images.name'))
    // the organisation that owns the scope (the image's, or the scope itself); null for a catalogue-wide package URL
    .addColumn('organisation', 'text', (c) => c.references('organisations.slug'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('not_affected', 'affected', 'fixed', 'under_investigation')`),
    )
    // OpenVEX 0.2's justifications, for not_affected only
    .addColumn('justification', 'text', (c) =>
      c.check(sql`justification is null or (status = 'not_affected' and justification in (
        'component_not_present', 'vulnerable_code_not_present', 'vulnerable_code_not_in_execute_path',
        'vulnerable_code_cannot_be_controlled_by_adversary', 'inline_mitigations_already_exist'))`),
    )
    .addColumn('impact_statement', 'text')
    .addColumn('action_statement', 'text')
    .addColumn('author', 'text', (c) => c.notNull().references('users.id'))
    // the author's name as it was when they decided: the statement's `author`
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('withdrawn_at', 'timestamptz')
    .addColumn('withdrawn_by', 'text', (c) => c.references('users.id'))
    .addColumn('withdrawal_reason', 'text')
    .addCheckConstraint(
      'vex_decisions_scope',
      sql`(scope_kind = 'purl' and scope_purl is not null and scope_image is null and organisation is null)
        or (scope_kind = 'image' and scope_image is not null and organisation is not null)
        or (scope_kind = 'organisation' and scope_image is null and organisation is not null)`,
    )
    .execute();
  // what a version's scan or re-evaluation reads: the decisions not withdrawn, by scope
  await sql`create index vex_decisions_image on vex_decisions (scope_image) where withdrawn_at is null`.execute(db);
  await sql`create index vex_decisions_organisation on vex_decisions (organisation, scope_kind)
      where withdrawn_at is null`.execute(db);
  await sql`create index vex_decisions_purl on vex_decisions (scope_kind) where withdrawn_at is null and scope_kind = 'purl'`.execute(
    db,
  );
  await db.schema.createIndex('vex_decisions_vulnerability').on('vex_decisions').column('vulnerability').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vex_decisions').execute();
}
