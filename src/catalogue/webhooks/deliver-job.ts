import { z } from 'zod';
import { describe, webhookHeaders, webhookSignature } from '../../core/index.ts';
import type { CredentialsKey } from '../accounts/secret-box.ts';
import type { CatalogueTx } from '../db/open.ts';
import { enqueueJob } from '../jobs/queue.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import type { WebhookAttemptResult, WebhookSender } from './sender.ts';
import { webhookSecretContext } from './webhooks.ts';

export const webhookDeliverKind = 'sgci.webhook-deliver';

const minute = 60_000;
/**
 * The wait after the n-th failed attempt (index n − 1): ×4 each time from one minute, capped at 12 hours. Eight
 * attempts in all, spread over about 30 hours, so a receiver down for a night still gets every delivery.
 */
export const webhookRetryDelaysMs: readonly number[] = [1, 4, 16, 64, 256, 720, 720].map((m) => m * minute);
export const webhookMaxAttempts = webhookRetryDelaysMs.length + 1;
/** Attempts of the job itself: only a crashed worker or a lost database uses more than one. */
const jobMaxAttempts = 3;

/** What deliveries need from the server: the sender (with the host policy) and the key that opens secrets. */
export interface WebhookDelivery {
  readonly sender: WebhookSender;
  readonly key: CredentialsKey | undefined;
}

/** Queues the try of a delivery at `runAfter` and makes that job the only one allowed to make it. */
export async function scheduleTry(tx: CatalogueTx, delivery: string, now: Date, runAfter: Date): Promise<void> {
  const job = await enqueueJob(tx, webhookDeliverKind, { delivery }, now, { runAfter, maxAttempts: jobMaxAttempts });
  await tx
    .updateTable('webhook_deliveries')
    .set({ state: 'pending', pending_job: job, next_try_at: runAfter, updated_at: now })
    .where('id', '=', delivery)
    .execute();
}

/**
 * Writes one attempt to the delivery log and decides what follows: delivered, the next try after its backoff, or
 * failed for good (the last attempt, or a target the policy refuses). A job superseded by a redelivery still logs
 * what it sent but leaves the schedule to the job that replaced it.
 */
async function recordAttempt(
  tx: CatalogueTx,
  delivery: string,
  job: string,
  result: WebhookAttemptResult,
  now: Date,
): Promise<void> {
  const row = await tx
    .selectFrom('webhook_deliveries')
    .select(['attempts', 'pending_job'])
    .where('id', '=', delivery)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return;
  const attempt = row.attempts + 1;
  const inCharge = String(row.pending_job) === job;
  const retry = inCharge && !result.delivered && result.retryable && attempt < webhookMaxAttempts;
  const nextTry = retry ? new Date(now.getTime() + (webhookRetryDelaysMs[attempt - 1] ?? 0)) : null;
  await tx
    .insertInto('webhook_attempts')
    .values({
      delivery,
      attempt,
      at: now,
      status_code: result.statusCode,
      duration_ms: result.durationMs,
      error: result.error,
      response_excerpt: result.excerpt,
      next_try_at: nextTry,
    })
    .execute();
  await tx
    .updateTable('webhook_deliveries')
    .set({
      attempts: attempt,
      updated_at: now,
      ...(inCharge && !retry
        ? { state: result.delivered ? 'delivered' : 'failed', pending_job: null, next_try_at: null }
        : {}),
    })
    .where('id', '=', delivery)
    .execute();
  if (nextTry) await scheduleTry(tx, delivery, now, nextTry);
}

/**
 * One try of one delivery: the body stored at dispatch, signed now with the webhook's secret, POSTed through the
 * sender; the attempt and what follows are written with the job's completion.
 */
export function webhookDeliverJob(delivery: WebhookDelivery): JobDefinition<{ delivery: string }> {
  return {
    kind: webhookDeliverKind,
    payload: z.object({ delivery: z.uuid() }).strict(),
    leaseMs: 60_000,
    async run(payload, ctx) {
      const { catalogue, job } = ctx;
      const row = await catalogue.db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhooks as w', 'w.id', 'd.webhook')
        .select(['d.id', 'd.type', 'd.body', 'd.state', 'd.pending_job', 'w.id as webhook', 'w.url', 'w.sealed_secret'])
        .where('d.id', '=', payload.delivery)
        .executeTakeFirst();
      // delivered, given up, deleted with its webhook, or redelivered by another job: nothing to do
      if (row?.state !== 'pending' || String(row.pending_job) !== job.id) return;
      let secret: string;
      try {
        if (!delivery.key) throw new Error('the server has no credentials key');
        secret = delivery.key.open(row.sealed_secret, webhookSecretContext(row.webhook));
      } catch (error) {
        const result = {
          delivered: false,
          statusCode: null,
          durationMs: 0,
          error: `cannot open the webhook's secret: ${describe(error)}`,
          excerpt: null,
          retryable: true,
        };
        await ctx.finish((tx) => recordAttempt(tx, row.id, job.id, result, catalogue.now()));
        return;
      }
      const timestamp = Math.floor(catalogue.now().getTime() / 1000);
      const result = await delivery.sender.send(
        {
          url: row.url,
          headers: {
            [webhookHeaders.event]: row.type,
            [webhookHeaders.delivery]: row.id,
            [webhookHeaders.timestamp]: String(timestamp),
            [webhookHeaders.signature]: webhookSignature(secret, timestamp, row.body),
          },
          body: row.body,
        },
        ctx.signal,
      );
      await ctx.finish((tx) => recordAttempt(tx, row.id, job.id, result, catalogue.now()));
    },
  };
}
