import { SgciError } from '../../core/index.ts';
import type { CatalogueDb } from '../db/open.ts';

/** How many submissions one user and one organisation may make in an hour (each one pulls and scans an image). */
export interface SubmissionLimits {
  readonly perUser: number;
  readonly perOrganisation: number;
}

export const defaultSubmissionLimits: SubmissionLimits = { perUser: 30, perOrganisation: 120 };

const windowMs = 3_600_000;

/**
 * Seconds until `user` (of `organisation`) may submit again, or 0. Counted from the submissions themselves, so
 * every instance of the server sees the same budget and nothing else needs to be stored.
 */
export async function submissionRetryAfter(
  db: CatalogueDb,
  who: { readonly user: string; readonly organisation: string },
  limits: SubmissionLimits,
  now: Date,
): Promise<number> {
  const since = new Date(now.getTime() - windowMs);
  const budgets = [
    { column: 'submitted_by' as const, value: who.user, limit: limits.perUser },
    { column: 'organisation' as const, value: who.organisation, limit: limits.perOrganisation },
  ];
  let wait = 0;
  for (const { column, value, limit } of budgets) {
    // the limit-th newest submission in the window: when it leaves the window, one more is allowed
    const row = await db
      .selectFrom('submissions')
      .select('created_at')
      .where(column, '=', value)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .offset(limit - 1)
      .limit(1)
      .executeTakeFirst();
    if (row) wait = Math.max(wait, Math.ceil((row.created_at.getTime() + windowMs - now.getTime()) / 1000));
  }
  return wait;
}

/** Too many submissions: the client may try again after `retryAfterSeconds` (HTTP 429 with Retry-After). */
export class SubmissionsLimited extends SgciError {
  readonly retryAfterSeconds: number;

  constructor(login: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', login, `too many submissions in the last hour: try again in ${retryAfterSeconds} s`);
    this.name = 'SubmissionsLimited';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
