import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { CatalogueTx } from '../db/open.ts';
import { enqueueJob } from '../jobs/queue.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import { webhookDeliverKind } from './deliver-job.ts';
import { type DispatchedEvent, dispatchedEventKinds, webhookEventOf } from './event-types.ts';

export const webhookDispatchKind = 'sgci.webhook-dispatch';
/** How often the dispatcher looks for new events while webhooks exist: the delay a receiver sees at most, roughly. */
export const webhookDispatchIntervalMs = 10_000;
/** Events read per run; a full batch runs again at once. */
const batchSize = 500;
/** Finished deliveries and their log are kept this long. */
const webhookDeliveryRetentionMs = 30 * 86_400_000;
/**
 * The queue's backoff is capped at an hour, so a dispatcher failing over and over (the database gone) keeps trying
 * for about six weeks; creating a webhook starts a new one should it ever give up.
 */
const dispatcherMaxAttempts = 1_000;

/**
 * Locks the cursor row. Every dispatcher run and every start of one takes this lock first, so dispatchers never
 * read the same events at once and at most one waits in the queue.
 */
async function lockCursor(tx: CatalogueTx): Promise<{ xid: string; eventId: string }> {
  const row = await tx
    .selectFrom('webhook_cursor')
    .select([sql<string>`xid::text`.as('xid'), 'event_id'])
    .where('name', '=', 'events')
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { xid: row.xid, eventId: String(row.event_id) };
}

async function dispatcherQueued(tx: CatalogueTx, states: readonly ('queued' | 'running')[]): Promise<boolean> {
  const row = await tx
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', webhookDispatchKind)
    .where('state', 'in', states)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Queues the dispatcher unless one is queued or running: called in the transaction that creates a webhook. */
export async function ensureWebhookDispatcher(tx: CatalogueTx, now: Date): Promise<void> {
  await lockCursor(tx);
  if (await dispatcherQueued(tx, ['queued', 'running'])) return;
  await enqueueJob(tx, webhookDispatchKind, {}, now, { maxAttempts: dispatcherMaxAttempts });
}

interface WebhookTarget {
  readonly id: string;
  readonly events: readonly string[];
  readonly organisation: string | null;
  readonly createdAt: number;
}

/** Events after the cursor of transactions that have all ended, in the order the cursor advances. */
async function eventsAfter(tx: CatalogueTx, cursor: { xid: string; eventId: string }, horizon: string) {
  const rows = await tx
    .selectFrom('events as e')
    .leftJoin('submissions as s', (join) =>
      join.onRef('s.id', '=', 'e.subject_id').on('e.subject_kind', '=', 'submission'),
    )
    .select([
      'e.id',
      'e.at',
      'e.subject_kind',
      'e.subject_id',
      'e.kind',
      'e.before',
      'e.after',
      sql<string>`e.xid::text`.as('xid'),
      's.organisation',
      's.image',
      's.digest',
    ])
    .where(sql<boolean>`(e.xid, e.id) > (${cursor.xid}::xid8, ${cursor.eventId}::bigint)`)
    .where(sql<boolean>`e.xid < ${horizon}::xid8`)
    .where('e.subject_kind', '=', 'submission')
    .where('e.kind', 'in', dispatchedEventKinds)
    .orderBy(sql`e.xid`)
    .orderBy('e.id')
    .limit(batchSize)
    .execute();
  return rows.map((r) => ({
    xid: r.xid,
    event: {
      id: String(r.id),
      at: r.at,
      subjectKind: r.subject_kind,
      subjectId: r.subject_id,
      kind: r.kind,
      before: r.before,
      after: r.after,
      ...(r.organisation && r.image && r.digest
        ? { submission: { organisation: r.organisation, image: r.image, digest: r.digest } }
        : {}),
    } satisfies DispatchedEvent,
  }));
}

/**
 * One dispatcher run, in the transaction that completes its job: reads the events after the cursor, writes one
 * delivery (and its job) per (webhook, event) the webhook hears, and moves the cursor, all or nothing. Several
 * workers may run dispatchers; the cursor lock orders them and the unique (webhook, event) makes a second
 * delivery impossible even so. Returns when to run next, or undefined when no webhook exists.
 */
async function dispatchWebhookEvents(tx: CatalogueTx, now: Date): Promise<Date | undefined> {
  const cursor = await lockCursor(tx);
  // the oldest transaction still running: every event of an older one is committed (or never will be)
  const { horizon } = await sql<{ horizon: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`
    .execute(tx)
    .then((r) => r.rows[0] ?? { horizon: '0' });
  const webhooks: WebhookTarget[] = (
    await tx.selectFrom('webhooks').select(['id', 'events', 'organisation', 'created_at']).execute()
  ).map((w) => ({ id: w.id, events: w.events, organisation: w.organisation, createdAt: w.created_at.getTime() }));
  if (webhooks.length === 0) {
    // nobody listens: skip what happened so far, and stop until a webhook is created
    await moveCursor(tx, horizon, '0');
    return undefined;
  }
  const batch = await eventsAfter(tx, cursor, horizon);
  for (const { event } of batch) {
    const hook = webhookEventOf(event);
    if (!hook) continue;
    const body = JSON.stringify(hook.payload);
    for (const webhook of webhooks) {
      if (!webhook.events.includes(hook.type)) continue;
      if (webhook.organisation !== null && webhook.organisation !== hook.organisation) continue;
      // a new webhook hears what happens from its creation on, not the history before it
      if (event.at.getTime() < webhook.createdAt) continue;
      await enqueueDelivery(tx, webhook.id, event.id, hook.type, body, now);
    }
  }
  const full = batch.length === batchSize;
  const last = batch.at(-1);
  if (full && last) await moveCursor(tx, last.xid, last.event.id);
  else await moveCursor(tx, horizon, '0');
  await tx
    .deleteFrom('webhook_deliveries')
    .where('created_at', '<', new Date(now.getTime() - webhookDeliveryRetentionMs))
    .where('state', '!=', 'pending')
    .execute();
  // the dispatcher's own finished runs are no history worth keeping: one every ten seconds
  await tx.deleteFrom('jobs').where('kind', '=', webhookDispatchKind).where('state', '=', 'done').execute();
  return full ? now : new Date(now.getTime() + webhookDispatchIntervalMs);
}

async function moveCursor(tx: CatalogueTx, xid: string, eventId: string): Promise<void> {
  await tx
    .updateTable('webhook_cursor')
    .set({ xid: sql`${xid}::xid8`, event_id: eventId })
    .where('name', '=', 'events')
    .execute();
}

async function enqueueDelivery(
  tx: CatalogueTx,
  webhook: string,
  eventId: string,
  type: string,
  body: string,
  now: Date,
): Promise<void> {
  const inserted = await tx
    .insertInto('webhook_deliveries')
    .values({
      id: randomUUID(),
      webhook,
      event_id: eventId,
      type,
      body,
      state: 'pending',
      next_try_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['webhook', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return;
  const job = await enqueueJob(tx, webhookDeliverKind, { delivery: inserted.id }, now, { maxAttempts: 3 });
  await tx.updateTable('webhook_deliveries').set({ pending_job: job }).where('id', '=', inserted.id).execute();
}

/** The periodic dispatcher: each run queues its successor (unless one waits already) while webhooks exist. */
export function webhookDispatchJob(): JobDefinition<Record<string, never>> {
  return {
    kind: webhookDispatchKind,
    payload: z.object({}).strict(),
    async run(_payload, ctx) {
      await ctx.finish(async (tx) => {
        const now = ctx.catalogue.now();
        const next = await dispatchWebhookEvents(tx, now);
        if (next && !(await dispatcherQueued(tx, ['queued']))) {
          await enqueueJob(tx, webhookDispatchKind, {}, now, { runAfter: next, maxAttempts: dispatcherMaxAttempts });
        }
      });
    },
  };
}
