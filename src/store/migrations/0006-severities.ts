import type { Kysely } from 'kysely';

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
  // The advisories already stored, given the rows the importer writes for new ones (severityRowsOf in
  // src/vuln/match/severity.ts, as of this migration), a page at a time and in kysely, so on every engine.
  const stored = db as Kysely<StoredAdvisories>;
  for (let after: string | undefined; ; ) {
    let query = stored.selectFrom('advisories').select(['id', 'modified', 'raw']).orderBy('id').limit(2000);
    if (after !== undefined) query = query.where('id', '>', after);
    const page = await query.execute();
    if (page.length === 0) break;
    const rows = page.flatMap((a) =>
      severityRowsOf(a.id, typeof a.raw === 'string' ? JSON.parse(a.raw) : a.raw, a.modified),
    );
    for (let i = 0; i < rows.length; i += 5000)
      await stored
        .insertInto('severities')
        .values(rows.slice(i, i + 5000))
        .execute();
    after = page[page.length - 1]?.id;
  }
}

/** The tables this migration reads and fills, as they are at this migration. */
interface StoredAdvisories {
  advisories: { id: string; modified: Date | string; raw: unknown };
  severities: { vulnerability_id: string; source: string; advisory_id: string; severity: string; modified: Date };
}

const cvssTypes = new Set(['CVSS_V2', 'CVSS_V3', 'CVSS_V4']);

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** One stored advisory's rows: its CVSS vectors and severity words under each id it names (own, aliases, upstream). */
function severityRowsOf(id: string, raw: unknown, modified: Date | string): StoredAdvisories['severities'][] {
  const affected = list(field(raw, 'affected'));
  const vectors = [...list(field(raw, 'severity')), ...affected.flatMap((a) => list(field(a, 'severity')))];
  const words = [
    field(field(raw, 'database_specific'), 'severity'),
    ...affected.flatMap((a) => [
      field(field(a, 'ecosystem_specific'), 'severity'),
      field(field(a, 'database_specific'), 'severity'),
    ]),
  ];
  const severity = [
    ...vectors.flatMap((v) => {
      const type = field(v, 'type');
      return typeof type === 'string' && cvssTypes.has(type) ? [{ type, score: field(v, 'score') }] : [];
    }),
    ...words.flatMap((w) => (typeof w === 'string' ? [{ type: 'ecosystem', rating: w }] : [])),
  ];
  if (severity.length === 0) return [];
  const ids = new Set(
    [id, ...list(field(raw, 'aliases')), ...list(field(raw, 'upstream'))].filter((x) => typeof x === 'string'),
  );
  return [...ids].map((vulnerabilityId) => ({
    vulnerability_id: vulnerabilityId as string,
    source: id,
    advisory_id: id,
    severity: JSON.stringify(severity),
    modified: new Date(modified),
  }));
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('severities').execute();
}
