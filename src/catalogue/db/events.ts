import { type Kysely, sql } from 'kysely';
import { recordset } from './recordset.ts';
import type { CatalogueDatabase } from './schema.ts';

/** Who did it: a user, an API token (by its shown prefix) or the system (jobs, clocks). */
export type Actor =
  | { readonly kind: 'user'; readonly id: string }
  | { readonly kind: 'token'; readonly prefix: string; readonly userId: string }
  | { readonly kind: 'system' };

export function actorId(actor: Actor): string {
  return actor.kind === 'user' ? actor.id : actor.kind === 'token' ? `token:${actor.prefix}` : 'system';
}

export interface EventInput {
  readonly actor: Actor;
  readonly subject: { readonly kind: string; readonly id: string };
  readonly kind: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly at: Date;
}

/**
 * Event kinds in use, by subject (webhooks and feeds are fed from these; keep them stable):
 * - `submission` / `status`: every state change, `before.status` → `after.status` (+ `reason`);
 * - `submission` / `verdict`: a verdict was signed (`after.verdict`, `after.validUntil`);
 * - `submission` / `finding-new`, `finding-fixed`, `sla-breach`: re-evaluation results for one finding
 *   (`after.vulnerability`, `after.purl`, `after.severity`, `after.due`); `sla-breach` once per finding;
 * - `submission` / `tag-moved`: a tag the monitor watches in the repository of the image's newest admitted version
 *   moved (`after.tag`, `after.platform`, `after.from`, `after.to`, `after.change`, `after.evidence`; monitor/);
 * - `submission` / `rematch-skipped`: a re-evaluation could not run (`after.reason`: the stored pass is gone, no
 *   advisory data); state and result stay;
 * - `advisories` / `changed` (the watch saw new advisory data or store VEX: `after.versions` queued),
 *   `update-requested` (an admin), `updated` (`after.feeds`: per ecosystem what the update imported);
 * - `image` / `created`, `updated`; `user`, `organisation`, `token` …: account changes (accounts/);
 * - `vex-decision` / `created`, `withdrawn`: VEX triage (triage/), `after.versions` the submissions whose findings
 *   the change alters (what re-evaluation and webhooks start from).
 * - `webhook` / `webhook.created`, `webhook.deleted`, `webhook.redelivered`: webhook management (webhooks/).
 *
 * Appends one event to the audit log. Call it inside the transaction that makes the change, so a change
 * without its event (or the reverse) is never committed. Events are never updated or deleted.
 */
export async function appendEvent(db: Kysely<CatalogueDatabase>, event: EventInput): Promise<void> {
  await appendEvents(db, [event]);
}

/**
 * Appends several events in one statement, in their order (a re-evaluation's findings); see appendEvent. The rows
 * travel as one JSON recordset: a batch of re-evaluations appends thousands.
 */
export async function appendEvents(db: Kysely<CatalogueDatabase>, events: readonly EventInput[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => ({
    at: event.at.toISOString(),
    actor: actorId(event.actor),
    subject_kind: event.subject.kind,
    subject_id: event.subject.id,
    kind: event.kind,
    before: event.before ?? null,
    after: event.after ?? null,
  }));
  const columns = {
    at: 'timestamptz',
    actor: 'text',
    subject_kind: 'text',
    subject_id: 'text',
    kind: 'text',
    before: 'jsonb',
    after: 'jsonb',
  } as const;
  const names = Object.keys(columns) as (keyof typeof columns)[];
  await db
    .insertInto('events')
    .columns(names)
    .expression(sql`select ${sql.raw(names.join(', '))} from ${recordset(rows, columns)}`)
    .execute();
}
