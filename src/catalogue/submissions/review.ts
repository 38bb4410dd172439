import { SgciError } from '../../core/index.ts';
import type { ScanReport } from '../../report/index.ts';
import type { Severity } from '../../vuln/index.ts';
import { isReviewer, type Principal } from '../accounts/principal.ts';
import type { CatalogueDb } from '../db/open.ts';
import type { CatalogueServices } from '../services.ts';
import { type FourEyesBar, fourEyesBar } from './four-eyes.ts';
import type { StoredScanResult } from './result.ts';
import type { SubmissionStatus } from './states.ts';
import { type SubmissionView, submissionView } from './view.ts';

/** The states a reviewer works through: the queue proper, and the versions the scan stopped (to look, not decide). */
export const reviewStatuses = ['awaiting-review', 'checks-failed'] as const satisfies readonly SubmissionStatus[];
export type ReviewStatus = (typeof reviewStatuses)[number];

/** One submission in the reviewers' queue, with what a reviewer weighs before opening it. */
export interface ReviewQueueEntry {
  readonly id: string;
  readonly image: string;
  readonly digest: string;
  readonly tag: string | null;
  readonly status: SubmissionStatus;
  readonly organisation: { readonly slug: string; readonly name: string };
  readonly submittedBy: string;
  readonly createdAt: string;
  /** Counts of the check results by status; null while there is no result. */
  readonly checks: ScanReport['summary']['byResult'] | null;
  /** Open findings with a fix, per severity; null when matching did not run. */
  readonly fixable: Readonly<Record<Severity, number>> | null;
  /** Why the signed-in reviewer may not decide on it (four eyes); undefined when they may. */
  readonly bar: FourEyesBar | undefined;
}

export interface ReviewQueueQuery {
  readonly status: ReviewStatus;
  /** An organisation's slug: only its submissions. */
  readonly organisation?: string;
  readonly limit: number;
}

export interface ReviewQueue {
  /** Oldest first: who waited longest is decided first. */
  readonly items: readonly ReviewQueueEntry[];
  /** Whether more submissions wait than `limit` shows. */
  readonly more: boolean;
  /** The organisations with a submission in this state, for the filter. */
  readonly organisations: readonly { readonly slug: string; readonly name: string }[];
}

function requireReviewer(principal: Principal | undefined, input: string): Principal {
  if (!principal || !isReviewer(principal)) throw new SgciError('FORBIDDEN', input, 'only reviewers see the queue');
  return principal;
}

/** The submissions in one review state, oldest first, with their counts; reviewers only. */
export async function reviewQueue(
  db: CatalogueDb,
  principal: Principal | undefined,
  query: ReviewQueueQuery,
): Promise<ReviewQueue> {
  const reviewer = requireReviewer(principal, 'review queue');
  let q = db
    .selectFrom('submissions')
    .innerJoin('organisations', 'organisations.slug', 'submissions.organisation')
    .leftJoin('users', 'users.id', 'submissions.submitted_by')
    .leftJoin('version_figures', 'version_figures.submission', 'submissions.id')
    .select([
      'submissions.id',
      'submissions.image',
      'submissions.digest',
      'submissions.tag',
      'submissions.status',
      'submissions.organisation',
      'submissions.submitted_by',
      'submissions.created_at',
      'organisations.name as organisation_name',
      'users.display_name',
      'version_figures.figures',
    ])
    .where('submissions.status', '=', query.status)
    .orderBy('submissions.created_at', 'asc')
    .orderBy('submissions.id', 'asc')
    .limit(query.limit + 1);
  if (query.organisation) q = q.where('submissions.organisation', '=', query.organisation);
  const [rows, organisations] = await Promise.all([
    q.execute(),
    db
      .selectFrom('submissions')
      .innerJoin('organisations', 'organisations.slug', 'submissions.organisation')
      .select(['organisations.slug', 'organisations.name'])
      .distinct()
      .where('submissions.status', '=', query.status)
      .orderBy('organisations.name')
      .execute(),
  ]);
  return {
    items: rows.slice(0, query.limit).map((r) => ({
      id: r.id,
      image: r.image,
      digest: r.digest,
      tag: r.tag,
      status: r.status as SubmissionStatus,
      organisation: { slug: r.organisation, name: r.organisation_name },
      submittedBy: r.display_name ?? r.submitted_by,
      createdAt: r.created_at.toISOString(),
      checks: r.figures?.checks.byResult ?? null,
      fixable: r.figures?.vulnerabilities.matched ? r.figures.vulnerabilities.fixable : null,
      bar: fourEyesBar(reviewer, { organisation: r.organisation, submittedBy: r.submitted_by }),
    })),
    more: rows.length > query.limit,
    organisations,
  };
}

/** One submission as a reviewer weighs it: everything the decision depends on, and what stands in its way. */
export interface ReviewCase {
  readonly submission: SubmissionView;
  /** The scan's documents as stored; null before the scan finished. */
  readonly result: StoredScanResult | null;
  readonly submitter: string;
  readonly organisationName: string;
  /** Why the signed-in reviewer may not decide (four eyes); undefined when they may. */
  readonly bar: FourEyesBar | undefined;
  /** The catalogue's policy is not the one the version was scanned against: it cannot be admitted before a rescan. */
  readonly policyChanged: boolean;
  /** Whether the catalogue has a key to sign a verdict with: without one nothing can be admitted. */
  readonly signing: boolean;
}

/** One submission for review, as `decide` will judge it; reviewers only, NOT_FOUND when there is none. */
export async function reviewCase(
  services: CatalogueServices,
  principal: Principal | undefined,
  id: string,
): Promise<ReviewCase> {
  const reviewer = requireReviewer(principal, id);
  const { db } = services.catalogue;
  const [submission, row] = await Promise.all([
    submissionView(db, reviewer, id),
    db
      .selectFrom('submissions')
      .innerJoin('organisations', 'organisations.slug', 'submissions.organisation')
      .leftJoin('users', 'users.id', 'submissions.submitted_by')
      .select(['submissions.result', 'users.display_name', 'organisations.name'])
      .where('submissions.id', '=', id)
      .executeTakeFirst(),
  ]);
  return {
    submission,
    result: (row?.result as StoredScanResult | null | undefined) ?? null,
    submitter: row?.display_name ?? submission.submittedBy,
    organisationName: row?.name ?? submission.organisation,
    bar: fourEyesBar(reviewer, submission),
    policyChanged: submission.policyDigest !== null && submission.policyDigest !== services.policy.digest,
    signing: services.signing !== undefined,
  };
}
