/**
 * Which catalogue events a webhook hears, and the body it receives for each. Webhooks are fed from the events
 * table (db/events.ts documents its kinds); this file is the one mapping from those kinds to the six webhook
 * event types, so a new kind of event reaches no receiver until it is named here.
 */

export const webhookEventTypes = [
  'submission',
  'decision',
  'finding-new',
  'sla-breach',
  'suspension',
  'tag-moved',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The event kinds (of submissions) any webhook type comes from: the dispatcher reads no others. */
export const dispatchedEventKinds = ['status', 'finding-new', 'sla-breach', 'tag-moved'] as const;

/** Event kinds that are webhook types of the same name, their `after` the delivery's `data` as recorded. */
const recordedAsIs: ReadonlySet<string> = new Set(['finding-new', 'sla-breach', 'tag-moved']);

/** An event as the dispatcher reads it, with the submission it concerns (undefined for other subjects). */
export interface DispatchedEvent {
  readonly id: string;
  readonly at: Date;
  readonly subjectKind: string;
  readonly subjectId: string;
  readonly kind: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly submission?: {
    readonly organisation: string;
    readonly image: string;
    readonly digest: string;
  };
}

/** What a receiver gets: `{id, type, occurredAt, subject, data}`; `id` is the event's, the same for every webhook. */
export interface WebhookPayload {
  readonly id: string;
  readonly type: WebhookEventType;
  readonly occurredAt: string;
  readonly subject: {
    readonly kind: 'submission';
    readonly id: string;
    readonly image: string;
    readonly digest: string;
    readonly organisation: string;
  };
  readonly data: Record<string, unknown>;
}

export interface WebhookEvent {
  readonly type: WebhookEventType;
  /** Whose event it is: an organisation's webhooks hear only their own. */
  readonly organisation: string;
  readonly payload: WebhookPayload;
}

const decisionOf: Readonly<Record<string, string>> = {
  admitted: 'admit',
  rejected: 'reject',
  'changes-requested': 'request-changes',
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The webhook type of a status change, or undefined for the changes no webhook hears (scanning, withdrawn …). */
function statusType(before: Record<string, unknown>, after: Record<string, unknown>): WebhookEventType | undefined {
  const from = before.status;
  const to = after.status;
  // only the first `submitted`: a scan that could not finish also goes back to it
  if (to === 'submitted') return from === undefined ? 'submission' : undefined;
  // a reviewer's decision ends review; `admitted` after at-risk or suspended is the living verdict, not a decision
  if (typeof to === 'string' && to in decisionOf) return from === 'awaiting-review' ? 'decision' : undefined;
  if (to === 'suspended') return 'suspension';
  return undefined;
}

function dataOf(type: WebhookEventType, before: Record<string, unknown>, after: Record<string, unknown>) {
  const reason = typeof after.reason === 'string' ? { reason: after.reason } : {};
  switch (type) {
    case 'submission':
      return { status: after.status, ...(typeof after.reference === 'string' ? { reference: after.reference } : {}) };
    case 'decision':
      return { decision: decisionOf[String(after.status)], status: after.status, ...reason };
    case 'suspension':
      return { status: after.status, previousStatus: before.status, ...reason };
    default:
      // finding-new and sla-breach carry the finding as the re-evaluation recorded it, tag-moved the monitor's move
      return { ...after };
  }
}

/** The webhook event an event becomes, or undefined when no webhook hears it. */
export function webhookEventOf(event: DispatchedEvent): WebhookEvent | undefined {
  if (event.subjectKind !== 'submission' || !event.submission) return undefined;
  const before = record(event.before);
  const after = record(event.after);
  const type =
    event.kind === 'status'
      ? statusType(before, after)
      : recordedAsIs.has(event.kind)
        ? (event.kind as WebhookEventType)
        : undefined;
  if (!type) return undefined;
  const { organisation, image, digest } = event.submission;
  return {
    type,
    organisation,
    payload: {
      id: event.id,
      type,
      occurredAt: event.at.toISOString(),
      subject: { kind: 'submission', id: event.subjectId, image, digest, organisation },
      data: dataOf(type, before, after),
    },
  };
}
