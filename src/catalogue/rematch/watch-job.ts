import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { digestOf } from '../../core/index.ts';
import type { Store } from '../../store/index.ts';
import { appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueTx } from '../db/open.ts';
import { defaultMaxAttempts, enqueueJob } from '../jobs/queue.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import type { CatalogueServices } from '../services.ts';
import { advisoryState } from './advisory-cache.ts';
import { rematchBatchSize, rematchedStatuses, rematchJobKind } from './rematch-job.ts';
import { defaultReevaluation } from './settings.ts';

export const advisoriesWatchJobKind = 'sgci.advisories-watch';

/** A watch that keeps failing (the database away) keeps being retried, with the backoff capped at an hour. */
const watchAttempts = 100;

/**
 * What the matching reads besides the SBOM, as one comparable text: the newest advisory import (`sgci db
 * import|update` in another process on the same database or on the embedded server's advisory store, or the admin's
 * update) and the store's own VEX statements (`sgci vex add|remove`). Any engine: the store may be the CLI's SQLite.
 */
export async function advisoryFingerprint(store: Store): Promise<string> {
  const statements = await store.db.selectFrom('vex_statements').select('id').orderBy('id').execute();
  return `${await advisoryState(store)} vex=${digestOf(statements.map((r) => r.id).join(','))}`;
}

/** Which versions to queue: all that are re-matched, those due by the clock, or the ones named. */
type Selection = 'all' | 'due' | readonly string[];

/** Bound parameters per statement when versions are named: far below PostgreSQL's 65,535. */
const idsPerStatement = 10_000;

/**
 * Queues `sgci.rematch` for the versions the selection names that have none queued or running yet, in batches of
 * `rematchBatchSize` (in id order) per job, in one statement (per ten thousand named versions). Returns how many
 * versions were queued.
 */
async function enqueueRematches(tx: CatalogueTx, selection: Selection, now: Date): Promise<number> {
  if (typeof selection !== 'string') {
    let queued = 0;
    for (let i = 0; i < selection.length; i += idsPerStatement) {
      const ids = selection.slice(i, i + idsPerStatement);
      queued += await enqueueWhere(tx, sql`s.id in (${sql.join(ids)})`, now);
    }
    return queued;
  }
  return enqueueWhere(
    tx,
    selection === 'all'
      ? sql`s.status in (${sql.join(rematchedStatuses)}) and s.scan_key is not null`
      : sql`s.id in (select submission from reevaluations where due_at <= ${now})`,
    now,
  );
}

async function enqueueWhere(tx: CatalogueTx, selected: RawBuilder<unknown>, now: Date): Promise<number> {
  const { rows } = await sql<{ versions: number }>`
    insert into jobs (kind, payload, state, max_attempts, run_after, created_at)
    select ${rematchJobKind}, jsonb_build_object('submissions', jsonb_agg(id order by id)), 'queued',
           ${defaultMaxAttempts}, ${now}, ${now}
      from (select s.id, (row_number() over (order by s.id) - 1) / ${rematchBatchSize}::int as batch
              from submissions s
             where ${selected}
               and not exists (select 1 from jobs j
                                where j.kind = ${rematchJobKind} and j.state in ('queued', 'running')
                                  and (j.payload->'submissions' @> jsonb_build_array(s.id)
                                       or j.payload->>'submission' = s.id))) as queued
     group by batch
    returning jsonb_array_length(payload->'submissions') as versions`.execute(tx);
  return rows.reduce((sum, row) => sum + Number(row.versions), 0);
}

/** What the watch last handled of one source of change, locked for this round. */
async function handled(tx: CatalogueTx, name: string) {
  return tx
    .selectFrom('advisory_watch')
    .select(['fingerprint', 'handled_at'])
    .where('name', '=', name)
    .forUpdate()
    .executeTakeFirst();
}

async function markHandled(tx: CatalogueTx, name: string, fingerprint: string, now: Date): Promise<void> {
  await tx
    .insertInto('advisory_watch')
    .values({ name, fingerprint, handled_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ fingerprint, handled_at: now }))
    .execute();
}

/**
 * The versions VEX triage changed since the last round: a decision recorded or withdrawn names the versions whose
 * findings it alters (`vex-decision` events, `after.versions`); a decision that expired since then re-opens findings
 * of versions nobody named, so then every version (`all`). The state is the last event's id.
 */
async function triageChanges(tx: CatalogueTx, now: Date): Promise<Selection> {
  const last = await handled(tx, 'vex-decisions');
  const since = last?.handled_at ?? new Date(0);
  const events = await tx
    .selectFrom('events')
    .select(['id', 'after'])
    .where('subject_kind', '=', 'vex-decision')
    .where('id', '>', last?.fingerprint ?? '0')
    .orderBy('id')
    .execute();
  const expired = await tx
    .selectFrom('vex_decisions')
    .select('id')
    .where('withdrawn_at', 'is', null)
    .where('expires_at', '>', since)
    .where('expires_at', '<=', now)
    .limit(1)
    .executeTakeFirst();
  await markHandled(tx, 'vex-decisions', String(events.at(-1)?.id ?? last?.fingerprint ?? '0'), now);
  if (expired) return 'all';
  const named = events.flatMap((e) => {
    const versions = (e.after as { versions?: unknown } | null)?.versions;
    return Array.isArray(versions) ? versions.filter((v): v is string => typeof v === 'string') : [];
  });
  return [...new Set(named)];
}

/**
 * Makes sure the watch runs at `at` at the latest: moves the queued round forward, or queues one. Never two queued:
 * the check and the insert run under a transaction-scoped advisory lock.
 */
export async function watchNoLaterThan(tx: CatalogueTx, at: Date, now: Date): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${advisoriesWatchJobKind}))`.execute(tx);
  const queued = await tx
    .selectFrom('jobs')
    .select(['id', 'run_after'])
    .where('kind', '=', advisoriesWatchJobKind)
    .where('state', '=', 'queued')
    .executeTakeFirst();
  if (!queued) {
    await enqueueJob(tx, advisoriesWatchJobKind, {}, now, { runAfter: at, maxAttempts: watchAttempts });
  } else if (queued.run_after.getTime() > at.getTime()) {
    await tx.updateTable('jobs').set({ run_after: at }).where('id', '=', queued.id).execute();
  }
}

/** Starts the watch if none is queued (every `sgci serve` and `sgci worker` at start): it reschedules itself. */
export async function ensureAdvisoriesWatch(catalogue: Catalogue): Promise<void> {
  const now = catalogue.now();
  await catalogue.transaction((tx) => watchNoLaterThan(tx, now, now));
}

/**
 * `sgci.advisories-watch`: one round, then the next one queued `watchIntervalMs` later. Advisories may change in
 * another process (`sgci db import|update` against the same PostgreSQL, or on the CLI's store the embedded server
 * matches against), so the catalogue looks itself: when the store's fingerprint differs from the one last handled,
 * every admitted, at-risk, suspended and pending version is queued for a re-match; after VEX triage, the versions
 * it changed. Deadlines pass without new data, so each round also queues the versions whose next evaluation is due
 * (by the index on `reevaluations.due_at`).
 */
export function advisoriesWatchJob(services: CatalogueServices): JobDefinition<Record<string, never>> {
  const { catalogue } = services;
  const { watchIntervalMs } = services.reevaluation ?? defaultReevaluation;
  return {
    kind: advisoriesWatchJobKind,
    payload: z.object({}).strict(),
    async run(_, ctx) {
      const now = catalogue.now();
      const fingerprint = await advisoryFingerprint(services.advisories ?? catalogue.store);
      await ctx.finish(async (tx) => {
        const store = await handled(tx, 'store');
        if (store?.fingerprint !== fingerprint) {
          const versions = await enqueueRematches(tx, 'all', now);
          await markHandled(tx, 'store', fingerprint, now);
          await appendEvent(tx, {
            actor: { kind: 'system' },
            subject: { kind: 'advisories', id: 'store' },
            kind: 'changed',
            before: { fingerprint: store?.fingerprint ?? null },
            after: { fingerprint, versions },
            at: now,
          });
        }
        await enqueueRematches(tx, await triageChanges(tx, now), now);
        await enqueueRematches(tx, 'due', now);
        await watchNoLaterThan(tx, new Date(now.getTime() + watchIntervalMs), now);
      });
    },
  };
}
