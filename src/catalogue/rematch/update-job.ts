import { sql } from 'kysely';
import { z } from 'zod';
import { updateFeeds } from '../../vuln/index.ts';
import { type Actor, appendEvent } from '../db/events.ts';
import type { Catalogue } from '../db/open.ts';
import { enqueueJob } from '../jobs/queue.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import type { CatalogueServices } from '../services.ts';
import { defaultReevaluation } from './settings.ts';
import { watchNoLaterThan } from './watch-job.ts';

export const advisoriesUpdateJobKind = 'sgci.advisories-update';

const subject = { kind: 'advisories', id: 'store' } as const;

/**
 * An admin asks for fresh advisories: queues the update (one at a time: a queued or running one is reused) and
 * records who asked. Returns the job's id.
 */
export async function requestAdvisoriesUpdate(catalogue: Catalogue, actor: Actor): Promise<string> {
  const now = catalogue.now();
  return catalogue.transaction(async (tx) => {
    // two admins at once: the check and the insert under one lock, so one job is queued
    await sql`select pg_advisory_xact_lock(hashtext(${advisoriesUpdateJobKind}))`.execute(tx);
    const pending = await tx
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', advisoriesUpdateJobKind)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    const job = pending
      ? String(pending.id)
      : await enqueueJob(tx, advisoriesUpdateJobKind, {}, now, { maxAttempts: 3 });
    await appendEvent(tx, { actor, subject, kind: 'update-requested', after: { job }, at: now });
    return job;
  });
}

/**
 * `sgci.advisories-update`: what `sgci db update` does (each configured ecosystem's archive from the mirror, with
 * conditional requests, each imported in its own transaction), in the catalogue's process and on its database;
 * then the watch runs at once and queues the re-matches. Invalid records are skipped and counted, so one bad record
 * upstream does not hold back every other.
 */
export function advisoriesUpdateJob(services: CatalogueServices): JobDefinition<Record<string, never>> {
  const { catalogue } = services;
  const { feeds } = services.reevaluation ?? defaultReevaluation;
  return {
    kind: advisoriesUpdateJobKind,
    payload: z.object({}).strict(),
    leaseMs: 10 * 60_000,
    async run(_, ctx) {
      const updates = await updateFeeds(services.advisories ?? catalogue.store, {
        ...(feeds.mirror ? { mirror: feeds.mirror } : {}),
        ...(feeds.ecosystems ? { ecosystems: feeds.ecosystems } : {}),
        skipInvalid: true,
      });
      await ctx.finish(async (tx) => {
        const now = catalogue.now();
        await appendEvent(tx, {
          actor: { kind: 'system' },
          subject,
          kind: 'updated',
          after: {
            feeds: updates.map((u) => ({
              ecosystem: u.ecosystem,
              status: u.status,
              records: u.result?.records ?? 0,
              written: u.result?.written ?? 0,
              withdrawn: u.result?.withdrawn ?? 0,
              invalid: u.result?.invalid.length ?? 0,
            })),
          },
          at: now,
        });
        await watchNoLaterThan(tx, now, now);
      });
    },
  };
}
