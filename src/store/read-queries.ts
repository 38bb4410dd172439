import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { chunks, maxParameters } from './values.ts';

type Db = Kysely<Database>;
/** A query without parameters. */
type None = Record<string, never>;

/**
 * The lookups a CLI command makes (`db status`, matching an SBOM), written once as kysely queries. Every engine
 * runs them through kysely (`kyselyReads`); a read-only SQLite file also runs their SQLite compilation,
 * `read-statements.json`, without loading kysely (`sqlite-reads.ts`): the 263 modules of the query layer cost a
 * short command more than its queries (docs/architecture.md "Start-up"). A test compiles these definitions and
 * fails when the JSON differs (`UPDATE_GOLDEN=1` rewrites it), so both paths run the same SQL.
 *
 * A query has at most one list parameter, `list` (`in (…)`): kysely sends it in slices of up to maxParameters,
 * SQLite runs the statement compiled for one element once per element (prepared once, an index probe each).
 */
export const readQueries = {
  count: (db: Db, _: None) =>
    db.selectFrom('advisories').select((eb) => eb.fn.countAll<number | string | bigint>().as('n')),
  lastImport: (db: Db, _: None) =>
    db.selectFrom('imports').select(['finished_at', 'total']).orderBy('id', 'desc').limit(1),
  recentImports: (db: Db, _: None) => db.selectFrom('imports').selectAll().orderBy('id', 'desc').limit(10),
  ecosystemTotals: (db: Db, _: None) => db.selectFrom('ecosystem_totals').select(['ecosystem', 'advisories']),
  feeds: (db: Db, _: None) => db.selectFrom('feeds').selectAll(),
  packagesByName: (db: Db, p: { ecosystem: string; list: readonly string[] }) =>
    db
      .selectFrom('advisory_packages')
      .select(['ecosystem', 'name', 'advisory_id as id', 'affected'])
      .where('ecosystem', '=', p.ecosystem)
      .where('name', 'in', p.list),
  advisoriesById: (db: Db, p: { list: readonly string[] }) =>
    db.selectFrom('advisories').select(['id', 'source', 'raw']).where('id', 'in', p.list),
  severitiesById: (db: Db, p: { list: readonly string[] }) =>
    db
      .selectFrom('severities')
      .select(['vulnerability_id', 'source', 'severity', 'modified'])
      .where('vulnerability_id', 'in', p.list),
  vexStatements: (db: Db, _: None) =>
    db.selectFrom('vex_statements').select('statement').orderBy('created_at').orderBy('id'),
  vexStatementsAbout: (db: Db, p: { vulnerability: string }) =>
    db
      .selectFrom('vex_statements')
      .select('statement')
      .where('vulnerability', '=', p.vulnerability)
      .orderBy('created_at')
      .orderBy('id'),
  monitorWatches: (db: Db, _: None) => db.selectFrom('monitor_watches').selectAll(),
  monitorObservationsById: (db: Db, p: { list: readonly number[] }) =>
    db.selectFrom('monitor_observations').selectAll().where('id', 'in', p.list),
};

/**
 * The writes of a monitor round over unchanged tags (`sgci monitor run`), kept like the reads: kysely on every
 * engine, their SQLite compilation in `read-statements.json` for the CLI's file (`sqlite-reads.ts` runs a list
 * once per element in one transaction), so a round that finds nothing moved loads no query layer.
 */
export const writeQueries = {
  observationsSeen: (db: Db, p: { at: Date; list: readonly number[] }) =>
    db.updateTable('monitor_observations').set({ last_seen: p.at }).where('id', 'in', p.list),
  watchesChecked: (db: Db, p: { at: Date; list: readonly number[] }) =>
    db.updateTable('monitor_watches').set({ checked_at: p.at }).where('id', 'in', p.list),
};

export type ReadName = keyof typeof readQueries;
export type ReadParams<N extends ReadName> = Parameters<(typeof readQueries)[N]>[1];
export type ReadRow<N extends ReadName> = Awaited<ReturnType<ReturnType<(typeof readQueries)[N]>['execute']>>[number];

/** Runs the read queries on one engine; a list parameter may be of any length (an empty one reads nothing). */
export interface ReadRunner {
  rows<N extends ReadName>(name: N, params: ReadParams<N>): Promise<ReadRow<N>[]>;
}

export type WriteName = keyof typeof writeQueries;
export type WriteParams<N extends WriteName> = Parameters<(typeof writeQueries)[N]>[1];

/** Runs the write statements on one engine; an empty list writes nothing. */
export interface WriteRunner {
  run<N extends WriteName>(name: N, params: WriteParams<N>): Promise<void>;
}

type AnyQuery = (db: Db, params: Record<string, unknown>) => { execute(): Promise<unknown[]> };

/** A query's results, its list parameter sent in slices of up to maxParameters with the other parameters. */
async function executeSliced(db: Db, query: AnyQuery, params: object): Promise<unknown[]> {
  const { list, ...scalars } = params as { list?: readonly unknown[] };
  if (list === undefined) return query(db, scalars).execute();
  const rows: unknown[] = [];
  for (const part of chunks(list, maxParameters - Object.keys(scalars).length))
    for (const row of await query(db, { ...scalars, list: part }).execute()) rows.push(row);
  return rows;
}

/** The read queries through kysely, on any engine (or transaction). */
export function kyselyReads(db: Db): ReadRunner {
  return {
    rows: async <N extends ReadName>(name: N, params: ReadParams<N>) =>
      (await executeSliced(db, readQueries[name] as unknown as AnyQuery, params)) as ReadRow<N>[],
  };
}

/** The write statements through kysely, on any engine (or transaction). */
export function kyselyWrites(db: Db): WriteRunner {
  return {
    run: async <N extends WriteName>(name: N, params: WriteParams<N>) => {
      await executeSliced(db, writeQueries[name] as unknown as AnyQuery, params);
    },
  };
}
