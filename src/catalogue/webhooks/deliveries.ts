import { SgciError } from '../../core/index.ts';
import { actorOf, type Principal } from '../accounts/principal.ts';
import { appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueDb } from '../db/open.ts';
import type { WebhookDeliveryState } from '../db/schema.ts';
import { scheduleTry } from './deliver-job.ts';
import { requireWebhook } from './webhooks.ts';

export interface WebhookAttemptInfo {
  readonly attempt: number;
  readonly at: string;
  /** null: no answer (refused, unreachable, timed out). */
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
  /** The first bytes (at most 4 KiB) of the receiver's answer. */
  readonly responseExcerpt: string | null;
  /** When the next try was scheduled after this one; null: none. */
  readonly nextTryAt: string | null;
}

export interface WebhookDeliveryInfo {
  /** Sent as X-Sgci-Delivery. */
  readonly id: string;
  /** The event's id: the payload's `id`. */
  readonly eventId: string;
  readonly type: string;
  readonly state: WebhookDeliveryState;
  readonly createdAt: string;
  readonly nextTryAt: string | null;
  /** Every attempt, the first first. */
  readonly attempts: readonly WebhookAttemptInfo[];
}

export interface DeliveryPage {
  readonly items: readonly WebhookDeliveryInfo[];
  /** The cursor of the next (older) page; null on the last. */
  readonly next: string | null;
}

interface PageCursor {
  readonly createdAt: Date;
  readonly id: string;
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): PageCursor {
  const [at = '', id = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id))
    throw new SgciError('USAGE', 'cursor', 'not a cursor of this list');
  return { createdAt, id };
}

/** A webhook's deliveries, newest first, each with its attempts: the delivery log. */
export async function listDeliveries(
  db: CatalogueDb,
  principal: Principal,
  webhook: string,
  page: { readonly cursor?: string; readonly limit: number },
): Promise<DeliveryPage> {
  await requireWebhook(db, principal, webhook);
  let query = db
    .selectFrom('webhook_deliveries')
    .select(['id', 'event_id', 'type', 'state', 'created_at', 'next_try_at'])
    .where('webhook', '=', webhook)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) {
    const after = decodeCursor(page.cursor);
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query.execute();
  const shown = rows.slice(0, page.limit);
  const attempts =
    shown.length === 0
      ? []
      : await db
          .selectFrom('webhook_attempts')
          .selectAll()
          .where(
            'delivery',
            'in',
            shown.map((r) => r.id),
          )
          .orderBy('attempt')
          .execute();
  const byDelivery = Map.groupBy(attempts, (a) => a.delivery);
  const last = shown.at(-1);
  return {
    items: shown.map((r) => ({
      id: r.id,
      eventId: String(r.event_id),
      type: r.type,
      state: r.state,
      createdAt: r.created_at.toISOString(),
      nextTryAt: r.next_try_at?.toISOString() ?? null,
      attempts: (byDelivery.get(r.id) ?? []).map((a) => ({
        attempt: a.attempt,
        at: a.at.toISOString(),
        statusCode: a.status_code,
        durationMs: a.duration_ms,
        error: a.error,
        responseExcerpt: a.response_excerpt,
        nextTryAt: a.next_try_at?.toISOString() ?? null,
      })),
    })),
    next: rows.length > page.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}

/**
 * Tries a delivery again now, whatever its state: the same body and delivery id (receivers deduplicate by it),
 * signed afresh. A try already scheduled is replaced; a failed delivery gets one more attempt, and the retries
 * that remain of its eight.
 */
export async function redeliver(
  catalogue: Catalogue,
  principal: Principal,
  webhook: string,
  delivery: string,
): Promise<{ id: string; state: WebhookDeliveryState; nextTryAt: string }> {
  await requireWebhook(catalogue.db, principal, webhook);
  const now = catalogue.now();
  await catalogue.transaction(async (tx) => {
    const row = await tx
      .selectFrom('webhook_deliveries')
      .select(['id', 'event_id', 'state'])
      .where('id', '=', delivery)
      .where('webhook', '=', webhook)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new SgciError('NOT_FOUND', delivery, 'no such delivery of this webhook');
    await scheduleTry(tx, delivery, now, now);
    await appendEvent(tx, {
      actor: actorOf(principal),
      subject: { kind: 'webhook', id: webhook },
      kind: 'webhook.redelivered',
      before: { delivery, state: row.state },
      after: { delivery, state: 'pending' },
      at: now,
    });
  });
  return { id: delivery, state: 'pending', nextTryAt: now.toISOString() };
}
