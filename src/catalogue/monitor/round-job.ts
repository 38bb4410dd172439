import { sql } from 'kysely';
import { z } from 'zod';
import { type RoundDeps, runRound } from '../../monitor/index.ts';
import type { Catalogue, CatalogueTx } from '../db/open.ts';
import { enqueueJob } from '../jobs/queue.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import { recordTagMoves } from './tag-moves.ts';

export const monitorRoundJobKind = 'sgci.monitor-round';
/** How often `sgci serve` looks for due watches; each watch is asked by its own `--every`. */
export const monitorRoundIntervalMs = 60_000;
/** A round that keeps failing (the database away) keeps being retried, with the queue's backoff capped at an hour. */
const roundAttempts = 100;

/** What a server's rounds run on: the store holding the watches and ledger, the registry access, the scans. */
export type MonitorRounds = Omit<RoundDeps, 'clock'> & { readonly intervalMs?: number };

/**
 * Queues the next round to run no later than `at`, unless one is queued already: one round job at a time however
 * many processes start (the advisory lock serialises them).
 */
async function roundNoLaterThan(tx: CatalogueTx, at: Date, now: Date): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${monitorRoundJobKind}))`.execute(tx);
  const queued = await tx
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', monitorRoundJobKind)
    .where('state', '=', 'queued')
    .executeTakeFirst();
  if (!queued) await enqueueJob(tx, monitorRoundJobKind, {}, now, { runAfter: at, maxAttempts: roundAttempts });
}

/** Starts the rounds if none is queued (every `sgci serve` and `sgci worker` at start): each queues the next. */
export async function ensureMonitorRounds(catalogue: Catalogue): Promise<void> {
  const now = catalogue.now();
  await catalogue.transaction((tx) => roundNoLaterThan(tx, now, now));
}

/**
 * `sgci.monitor-round`: one `sgci monitor run` over the due watches of the store (the same ledger the CLI keeps, on
 * the same database), then the next round queued a minute later. The round writes the ledger itself; the job
 * finishes by recording each move of a tag in a published image's repository for the webhooks (`tag-moved`) and
 * queueing its successor, in one transaction.
 */
export function monitorRoundJob(catalogue: Catalogue, rounds: MonitorRounds): JobDefinition<Record<string, never>> {
  return {
    kind: monitorRoundJobKind,
    payload: z.object({}).strict(),
    async run(_, ctx) {
      const result = await runRound({ ...rounds, clock: catalogue.now });
      const now = catalogue.now();
      await ctx.finish(async (tx) => {
        await recordTagMoves(tx, result.changes, now);
        await roundNoLaterThan(tx, new Date(now.getTime() + (rounds.intervalMs ?? monitorRoundIntervalMs)), now);
      });
    },
  };
}
