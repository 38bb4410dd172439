import { sql } from 'kysely';
import { z } from 'zod';
import { appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueDb, CatalogueTx } from '../db/open.ts';
import { defaultMaxAttempts, enqueueJob } from '../jobs/queue.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import type { CatalogueServices } from '../services.ts';
import { rematchedStatuses, rematchJobKind } from './rematch-job.ts';
import { defaultReevaluation } from './settings.ts';

export const advisoriesWatchJobKind = 'sgci.advisories-watch';

/** A watch that keeps failing (the database away) keeps being retried, with the backoff capped at an hour. */
const watchAttempts = 100;

/**
 * What the matching reads besides the SBOM, as one comparable text: the newest advisory import (`sgci db
 * import|update` in any process on the same database, or the admin's update) and the store's own VEX statements
 * (`sgci vex add|remove`).
 */
export async function advisoryFingerprint(db: CatalogueDb): Promise<string> {
  const { rows } = await sql<{ import: string | number | null; vex: string | null }>`
    select (select max(id) from imports) as import,
           (select md5(string_agg(id, ',' order by id)) from vex_statements) as vex`.execute(db);
  const row = rows[0];
  return `import=${row?.import ?? '-'} vex=${row?.vex ?? '-'}`;
}

/**
 * Queues `sgci.rematch` for each version that `which` selects and that has none queued or running yet, in one
 * statement: every rematched version after advisories changed, or those whose next evaluation by the clock is due.
 */
async function enqueueRematches(tx: CatalogueTx, which: 'all' | 'due', now: Date): Promise<number> {
  const selected =
    which === 'all'
      ? sql`s.status in (${sql.join(rematchedStatuses)}) and s.scan_key is not null`
      : sql`s.id in (select submission from reevaluations where due_at <= ${now})`;
  const { rows } = await sql<{ id: string }>`
    insert into jobs (kind, payload, state, max_attempts, run_after, created_at)
    select ${rematchJobKind}, jsonb_build_object('submission', s.id), 'queued', ${defaultMaxAttempts}, ${now}, ${now}
      from submissions s
     where ${selected}
       and not exists (select 1 from jobs j
                        where j.kind = ${rematchJobKind} and j.state in ('queued', 'running')
                          and j.payload->>'submission' = s.id)
    returning id`.execute(tx);
  return rows.length;
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
 * another process (`sgci db import|update` against the same PostgreSQL) and nobody else can open the embedded
 * database, so the catalogue looks itself: when the store's fingerprint differs from the one last handled, every
 * admitted, at-risk, suspended and pending version is queued for a re-match. Deadlines pass without new data, so
 * each round also queues the versions whose next evaluation is due (by the index on `reevaluations.due_at`).
 */
export function advisoriesWatchJob(services: CatalogueServices): JobDefinition<Record<string, never>> {
  const { catalogue } = services;
  const { watchIntervalMs } = services.reevaluation ?? defaultReevaluation;
  return {
    kind: advisoriesWatchJobKind,
    payload: z.object({}).strict(),
    async run(_, ctx) {
      const now = catalogue.now();
      const fingerprint = await advisoryFingerprint(catalogue.db);
      await ctx.finish(async (tx) => {
        const handled = await tx
          .selectFrom('advisory_watch')
          .select('fingerprint')
          .where('name', '=', 'store')
          .forUpdate()
          .executeTakeFirst();
        if (handled?.fingerprint !== fingerprint) {
          const versions = await enqueueRematches(tx, 'all', now);
          await tx
            .insertInto('advisory_watch')
            .values({ name: 'store', fingerprint, handled_at: now })
            .onConflict((oc) => oc.column('name').doUpdateSet({ fingerprint, handled_at: now }))
            .execute();
          await appendEvent(tx, {
            actor: { kind: 'system' },
            subject: { kind: 'advisories', id: 'store' },
            kind: 'changed',
            before: { fingerprint: handled?.fingerprint ?? null },
            after: { fingerprint, versions },
            at: now,
          });
        }
        await enqueueRematches(tx, 'due', now);
        await watchNoLaterThan(tx, new Date(now.getTime() + watchIntervalMs), now);
      });
    },
  };
}
