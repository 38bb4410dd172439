import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SgciError } from '../../core/index.ts';
import { actorOf, isAdmin, isMember, type Principal } from '../accounts/principal.ts';
import type { CredentialsKey } from '../accounts/secret-box.ts';
import { requireOrganisation } from '../accounts/users.ts';
import { appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueDb } from '../db/open.ts';
import { ensureWebhookDispatcher } from './dispatch-job.ts';
import { webhookEventTypes } from './event-types.ts';
import { newWebhookSecret } from './signature.ts';
import type { WebhookTargets } from './targets.ts';

/** Webhooks one owner (an organisation, or the admins' catalogue-wide ones) may have: each event fans out to all. */
export const maxWebhooksPerOwner = 20;

/** `POST /api/v1/webhooks`. */
export const WebhookRequest = z
  .object({
    url: z.string().min(1).max(2000),
    events: z
      .array(z.enum(webhookEventTypes))
      .min(1)
      .max(webhookEventTypes.length)
      .refine((events) => new Set(events).size === events.length, 'each event type once'),
    organisation: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'expected an organisation slug')
      .optional()
      .describe("Whose images' events; omitted: your only organisation, or (admins) every organisation."),
  })
  .strict();
export type WebhookRequest = z.infer<typeof WebhookRequest>;

export interface WebhookInfo {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  /** null: every organisation's events. */
  readonly organisation: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface CreatedWebhook extends WebhookInfo {
  /** The signing secret: shown once, here; stored sealed and never returned again. */
  readonly secret: string;
}

/** The sealed secret is bound to its webhook: copied onto another row it does not open. */
export function webhookSecretContext(id: string): string {
  return `sgci webhook secret\n${id}`;
}

/** Whose webhook a new one is: admins may name any organisation or none, members only their own. */
function ownerOf(principal: Principal, organisation: string | undefined): string | null {
  if (organisation !== undefined) {
    if (!isAdmin(principal) && !isMember(principal, organisation))
      throw new SgciError('FORBIDDEN', organisation, 'only admins and members of the organisation may do this');
    return organisation;
  }
  if (isAdmin(principal)) return null;
  const [only, ...more] = principal.organisations;
  if (only === undefined) throw new SgciError('FORBIDDEN', 'organisation', 'only admins and organisation members');
  if (more.length > 0)
    throw new SgciError(
      'USAGE',
      'organisation',
      `name one of your organisations: ${principal.organisations.join(', ')}`,
    );
  return only;
}

/**
 * Registers a webhook: the URL is vetted (scheme, the host as it resolves now), a secret is made and sealed with
 * the operator's key, and the row, its audit event and (if none runs) the dispatcher job are one transaction.
 */
export async function createWebhook(
  catalogue: Catalogue,
  principal: Principal,
  options: { readonly key: CredentialsKey | undefined; readonly targets: WebhookTargets },
  request: WebhookRequest,
): Promise<CreatedWebhook> {
  const organisation = ownerOf(principal, request.organisation);
  if (!options.key)
    throw new SgciError(
      'KEY_INVALID',
      'url',
      'the server has no credentials key (SGCI_CREDENTIALS_KEY or credentialsKeyFile) to seal webhook secrets with',
    );
  const url = (await options.targets.check(request.url)).href;
  const id = randomUUID();
  const secret = newWebhookSecret();
  const sealed = options.key.seal(secret, webhookSecretContext(id));
  const events = webhookEventTypes.filter((type) => request.events.includes(type));
  const now = catalogue.now();
  const actor = actorOf(principal);
  await catalogue.transaction(async (tx) => {
    if (organisation !== null) await requireOrganisation(tx, organisation);
    const owned = await tx
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('organisation', organisation === null ? 'is' : '=', organisation)
      .executeTakeFirstOrThrow();
    if (Number(owned.n) >= maxWebhooksPerOwner)
      throw new SgciError(
        'CONFLICT',
        organisation ?? 'url',
        `already ${maxWebhooksPerOwner} webhooks; delete one first`,
      );
    await tx
      .insertInto('webhooks')
      .values({
        id,
        url,
        events: JSON.stringify(events),
        organisation,
        sealed_secret: sealed,
        created_by: principal.userId,
        created_at: now,
      })
      .execute();
    await appendEvent(tx, {
      actor,
      subject: { kind: 'webhook', id },
      kind: 'webhook.created',
      after: { url, events, organisation },
      at: now,
    });
    await ensureWebhookDispatcher(tx, now);
  });
  return { id, url, events, organisation, createdBy: principal.userId, createdAt: now.toISOString(), secret };
}

interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  organisation: string | null;
  created_by: string;
  created_at: Date;
}

function infoOf(row: WebhookRow): WebhookInfo {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    organisation: row.organisation,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

const columns = ['id', 'url', 'events', 'organisation', 'created_by', 'created_at'] as const;

/** Admins see every webhook, members their organisations' ones; nobody sees a secret. */
export async function listWebhooks(db: CatalogueDb, principal: Principal): Promise<WebhookInfo[]> {
  let query = db.selectFrom('webhooks').select(columns).orderBy('created_at').orderBy('id');
  if (!isAdmin(principal)) {
    if (principal.organisations.length === 0) return [];
    query = query.where('organisation', 'in', principal.organisations);
  }
  return (await query.execute()).map(infoOf);
}

/** One webhook the principal may manage; another organisation's (or a catalogue-wide one) is NOT_FOUND, not 403. */
export async function requireWebhook(db: CatalogueDb, principal: Principal, id: string): Promise<WebhookInfo> {
  const row = await db.selectFrom('webhooks').select(columns).where('id', '=', id).executeTakeFirst();
  const visible =
    row !== undefined && (isAdmin(principal) || (row.organisation !== null && isMember(principal, row.organisation)));
  if (!visible) throw new SgciError('NOT_FOUND', id, 'no such webhook');
  return infoOf(row);
}

/** Deletes a webhook with its deliveries and their log; queued tries find nothing left and end. */
export async function deleteWebhook(catalogue: Catalogue, principal: Principal, id: string): Promise<void> {
  const webhook = await requireWebhook(catalogue.db, principal, id);
  await catalogue.transaction(async (tx) => {
    const gone = await tx.deleteFrom('webhooks').where('id', '=', id).returning('id').executeTakeFirst();
    if (!gone) throw new SgciError('NOT_FOUND', id, 'no such webhook');
    await appendEvent(tx, {
      actor: actorOf(principal),
      subject: { kind: 'webhook', id },
      kind: 'webhook.deleted',
      before: { url: webhook.url, events: webhook.events, organisation: webhook.organisation },
      at: catalogue.now(),
    });
  });
}
