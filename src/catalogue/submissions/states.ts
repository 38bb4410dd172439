import { sql } from 'kysely';
import { SgciError } from '../../core/index.ts';
import { type Actor, appendEvent, appendEvents, type EventInput } from '../db/events.ts';
import type { CatalogueTx } from '../db/open.ts';
import { recordset } from '../db/recordset.ts';

/**
 * The states of a submitted version. `admitted`, `at-risk` and `suspended` are public; the rest are seen by its
 * organisation and the reviewers only.
 */
export const submissionStatuses = [
  'submitted',
  'scanning',
  'checks-failed',
  'awaiting-review',
  'admitted',
  'rejected',
  'changes-requested',
  'withdrawn',
  'at-risk',
  'suspended',
] as const;
export type SubmissionStatus = (typeof submissionStatuses)[number];

/** The arrows of the state machine; any other change is refused. */
const transitions: Readonly<Record<SubmissionStatus, readonly SubmissionStatus[]>> = {
  submitted: ['scanning', 'withdrawn'],
  // a scan that could not finish goes back to `submitted` and its job is retried
  scanning: ['checks-failed', 'awaiting-review', 'submitted', 'withdrawn'],
  'checks-failed': [],
  'awaiting-review': ['admitted', 'rejected', 'changes-requested', 'withdrawn'],
  admitted: ['at-risk', 'suspended', 'withdrawn'],
  'at-risk': ['admitted', 'suspended', 'withdrawn'],
  suspended: ['admitted', 'withdrawn'],
  rejected: [],
  'changes-requested': [],
  withdrawn: [],
};

export const publicStatuses: readonly SubmissionStatus[] = ['admitted', 'at-risk', 'suspended'];

export function isPublic(status: SubmissionStatus): boolean {
  return publicStatuses.includes(status);
}

export function canTransition(from: SubmissionStatus, to: SubmissionStatus): boolean {
  return transitions[from].includes(to);
}

export interface TransitionInput {
  readonly id: string;
  readonly to: SubmissionStatus;
  readonly actor: Actor;
  readonly now: Date;
  /** Why, in the contributor's and reviewer's words or the job's; shown with the state. */
  readonly reason?: string;
  /** Refuse unless the submission is in one of these states now (the caller's precondition, checked under lock). */
  readonly from?: readonly SubmissionStatus[];
  /** More columns to set in the same statement (the scan result, the admission time). */
  readonly set?: Record<string, unknown>;
  /** Data recorded in the event beside the states. */
  readonly detail?: Record<string, unknown>;
}

/** Locks the submissions (`FOR UPDATE`) for the caller's transaction; their states now, by id (absent: none). */
export async function lockSubmissions(tx: CatalogueTx, ids: readonly string[]): Promise<Map<string, SubmissionStatus>> {
  const rows = await tx.selectFrom('submissions').select(['id', 'status']).where('id', 'in', ids).forUpdate().execute();
  return new Map(rows.map((r) => [r.id, r.status as SubmissionStatus]));
}

/** Locks the submissions and checks each one's arrow; their states before, in the order given. */
async function lockForTransition(
  tx: CatalogueTx,
  inputs: readonly Omit<TransitionInput, 'set'>[],
): Promise<SubmissionStatus[]> {
  const statusOf = await lockSubmissions(
    tx,
    inputs.map((i) => i.id),
  );
  return inputs.map((input) => {
    const from = statusOf.get(input.id);
    if (!from) throw new SgciError('NOT_FOUND', input.id, 'no such submission');
    if ((input.from && !input.from.includes(from)) || !canTransition(from, input.to)) {
      throw new SgciError('CONFLICT', input.id, `submission is ${from}; it cannot become ${input.to}`);
    }
    return from;
  });
}

function statusEvent(input: Omit<TransitionInput, 'set'>, from: SubmissionStatus): EventInput {
  return {
    actor: input.actor,
    subject: { kind: 'submission', id: input.id },
    kind: 'status',
    before: { status: from },
    after: { status: input.to, ...(input.reason ? { reason: input.reason } : {}), ...input.detail },
    at: input.now,
  };
}

/**
 * The one way a submission changes state: locks the row, checks the arrow, updates it and appends the event, all
 * in the caller's transaction.
 */
export async function transition(tx: CatalogueTx, input: TransitionInput): Promise<SubmissionStatus> {
  const [from] = await lockForTransition(tx, [input]);
  if (!from) throw new SgciError('NOT_FOUND', input.id, 'no such submission');
  await tx
    .updateTable('submissions')
    .set({ ...input.set, status: input.to, status_reason: input.reason ?? null, updated_at: input.now })
    .where('id', '=', input.id)
    .execute();
  await appendEvent(tx, statusEvent(input, from));
  return from;
}

/**
 * `transition` of several submissions (a batch of re-evaluations), each write one statement for all: every arrow
 * is checked before any row changes, and each submission's event follows its earlier ones.
 */
export async function transitionAll(tx: CatalogueTx, inputs: readonly Omit<TransitionInput, 'set'>[]): Promise<void> {
  if (inputs.length === 0) return;
  const before = await lockForTransition(tx, inputs);
  const rows = inputs.map((i) => ({ id: i.id, status: i.to, reason: i.reason ?? null, at: i.now.toISOString() }));
  const changes = recordset(rows, { id: 'text', status: 'text', reason: 'text', at: 'timestamptz' });
  await sql`update submissions s set status = r.status, status_reason = r.reason, updated_at = r.at
    from ${changes} where s.id = r.id`.execute(tx);
  await appendEvents(
    tx,
    inputs.map((input, i) => statusEvent(input, before[i] as SubmissionStatus)),
  );
}
