import { SgciError } from '../../core/index.ts';
import { type Actor, appendEvent } from '../db/events.ts';
import type { CatalogueTx } from '../db/open.ts';

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

/**
 * The one way a submission changes state: locks the row, checks the arrow, updates it and appends the event, all
 * in the caller's transaction.
 */
export async function transition(tx: CatalogueTx, input: TransitionInput): Promise<SubmissionStatus> {
  const row = await tx
    .selectFrom('submissions')
    .select(['status'])
    .where('id', '=', input.id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new SgciError('NOT_FOUND', input.id, 'no such submission');
  const from = row.status as SubmissionStatus;
  if ((input.from && !input.from.includes(from)) || !canTransition(from, input.to)) {
    throw new SgciError('CONFLICT', input.id, `submission is ${from}; it cannot become ${input.to}`);
  }
  await tx
    .updateTable('submissions')
    .set({ ...input.set, status: input.to, status_reason: input.reason ?? null, updated_at: input.now })
    .where('id', '=', input.id)
    .execute();
  await appendEvent(tx, {
    actor: input.actor,
    subject: { kind: 'submission', id: input.id },
    kind: 'status',
    before: { status: from },
    after: { status: input.to, ...(input.reason ? { reason: input.reason } : {}), ...input.detail },
    at: input.now,
  });
  return from;
}
