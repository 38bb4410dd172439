import { SgciError } from '../../core/index.ts';
import { isReviewer, type Principal } from '../accounts/principal.ts';
import type { CatalogueDb } from '../db/open.ts';
import type { ManualCheckDecision } from '../db/schema.ts';
import type { StoredScanResult } from './result.ts';
import { isPublic, publicStatuses, type SubmissionStatus } from './states.ts';

/** Whether `principal` may read a submission: public once admitted; before, its organisation and the reviewers. */
export function canSee(principal: Principal | undefined, row: { organisation: string; status: string }): boolean {
  return (
    isPublic(row.status as SubmissionStatus) ||
    isReviewer(principal) ||
    principal?.organisations.includes(row.organisation) === true
  );
}

export interface SubmissionView {
  readonly id: string;
  readonly status: SubmissionStatus;
  readonly statusReason: string | null;
  readonly image: string;
  readonly reference: string;
  readonly digest: string;
  readonly tag: string | null;
  readonly organisation: string;
  readonly submittedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly admittedAt: string | null;
  readonly policyDigest: string | null;
  readonly checks: readonly {
    readonly id: string;
    readonly title: { readonly en: string; readonly de: string };
    readonly level: 'MUST' | 'SHOULD';
    readonly result: string;
    readonly evidence: readonly unknown[];
    readonly reason: string | null;
    readonly remediation: string | null;
  }[];
  readonly gate: { readonly failed: boolean } | null;
  readonly vulnerabilities: {
    readonly matched: boolean;
    readonly summary: StoredScanResult['vulns']['summary'] | null;
    readonly unavailable?: string;
  } | null;
  readonly decisions: readonly {
    readonly reviewer: string;
    readonly decision: string;
    readonly reason: string;
    readonly manualChecks: readonly ManualCheckDecision[];
    readonly at: string;
  }[];
  readonly events: readonly {
    readonly at: string;
    readonly actor: string;
    readonly kind: string;
    readonly before: unknown;
    readonly after: unknown;
  }[];
}

/** One submission as the API shows it, or NOT_FOUND when it does not exist or `principal` may not see it. */
export async function submissionView(
  db: CatalogueDb,
  principal: Principal | undefined,
  id: string,
): Promise<SubmissionView> {
  const row = await db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !canSee(principal, row)) throw new SgciError('NOT_FOUND', id, 'no such submission');
  const [decisions, events] = await Promise.all([
    db.selectFrom('decisions').selectAll().where('submission', '=', id).orderBy('id').execute(),
    db
      .selectFrom('events')
      .select(['at', 'actor', 'kind', 'before', 'after'])
      .where('subject_kind', '=', 'submission')
      .where('subject_id', '=', id)
      .orderBy('id')
      .execute(),
  ]);
  const result = row.result as StoredScanResult | null;
  return {
    id: row.id,
    status: row.status as SubmissionStatus,
    statusReason: row.status_reason,
    image: row.image,
    reference: row.reference,
    digest: row.digest,
    tag: row.tag,
    organisation: row.organisation,
    submittedBy: row.submitted_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    admittedAt: row.admitted_at?.toISOString() ?? null,
    policyDigest: row.policy_digest,
    checks: (result?.checks.results ?? []).map((c) => ({
      id: c.id,
      title: c.title,
      level: c.level,
      result: c.result,
      evidence: c.evidence,
      reason: c.reason,
      remediation: c.remediation,
    })),
    gate: result ? { failed: result.checks.gate.failed } : null,
    vulnerabilities: result
      ? {
          matched: result.matched,
          summary: result.vulns.summary,
          ...(result.unavailable ? { unavailable: result.unavailable } : {}),
        }
      : null,
    decisions: decisions.map((d) => ({
      reviewer: d.reviewer,
      decision: d.decision,
      reason: d.reason,
      manualChecks: d.manual_checks,
      at: d.at.toISOString(),
    })),
    events: events.map((e) => ({
      at: e.at.toISOString(),
      actor: e.actor,
      kind: e.kind,
      before: e.before,
      after: e.after,
    })),
  };
}

export interface SubmissionSummary {
  readonly id: string;
  readonly image: string;
  readonly digest: string;
  readonly tag: string | null;
  readonly status: SubmissionStatus;
  readonly organisation: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SubmissionQuery {
  readonly status?: SubmissionStatus;
  readonly organisation?: string;
  /** Any of these organisations (a contributor's own list); an empty list matches nothing. */
  readonly organisations?: readonly string[];
  readonly image?: string;
  /** The `next` of the previous page. */
  readonly cursor?: string;
  readonly limit: number;
}

/** Newest first; the cursor is the last row's (created, id), opaque to clients. */
function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error('shape');
    return { createdAt, id };
  } catch {
    throw new SgciError('USAGE', 'cursor', 'not a cursor this API returned');
  }
}

/**
 * The submissions `principal` may see, newest first: the review queue for reviewers (`status=awaiting-review`),
 * an organisation's own list for its contributors, the public versions for everyone.
 */
export async function listSubmissions(
  db: CatalogueDb,
  principal: Principal | undefined,
  query: SubmissionQuery,
): Promise<{ items: SubmissionSummary[]; next: string | null }> {
  let q = db
    .selectFrom('submissions')
    .select(['id', 'image', 'digest', 'tag', 'status', 'organisation', 'created_at', 'updated_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (!isReviewer(principal)) {
    const own = principal?.organisations ?? [];
    q = q.where((eb) =>
      own.length > 0
        ? eb.or([eb('status', 'in', [...publicStatuses]), eb('organisation', 'in', own)])
        : eb('status', 'in', [...publicStatuses]),
    );
  }
  if (query.status) q = q.where('status', '=', query.status);
  if (query.organisation) q = q.where('organisation', '=', query.organisation);
  if (query.organisations) {
    if (query.organisations.length === 0) return { items: [], next: null };
    q = q.where('organisation', 'in', [...query.organisations]);
  }
  if (query.image) q = q.where('image', '=', query.image);
  if (query.cursor) {
    const { createdAt, id } = decodeCursor(query.cursor);
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      image: r.image,
      digest: r.digest,
      tag: r.tag,
      status: r.status as SubmissionStatus,
      organisation: r.organisation,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    })),
    next: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
