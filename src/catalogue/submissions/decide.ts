import { z } from 'zod';
import { SgciError } from '../../core/index.ts';
import { actorOf, isReviewer, type Principal } from '../accounts/principal.ts';
import type { ManualCheckDecision } from '../db/schema.ts';
import type { CatalogueServices } from '../services.ts';
import { issueVerdict } from '../verdicts/issue.ts';
import { fourEyesBar } from './four-eyes.ts';
import type { StoredScanResult } from './result.ts';
import { type SubmissionStatus, transition } from './states.ts';

/** `POST /api/v1/submissions/{id}/decision`: a reviewer's verdict with a reason and the manual checks' results. */
export const DecisionRequest = z
  .object({
    decision: z.enum(['admit', 'reject', 'request-changes']),
    reason: z.string().trim().min(1).max(4000),
    manualChecks: z
      .array(
        z
          .object({
            id: z.string().regex(/^SGCI-(BASE|BUILD|COMP|SEC|RUN|VULN)-\d{3}$/),
            result: z.enum(['pass', 'fail']),
            note: z.string().trim().min(1).max(2000),
          })
          .strict(),
      )
      .max(100)
      .default([]),
  })
  .strict();
export type DecisionRequest = z.infer<typeof DecisionRequest>;

const outcome: Readonly<Record<DecisionRequest['decision'], SubmissionStatus>> = {
  admit: 'admitted',
  reject: 'rejected',
  'request-changes': 'changes-requested',
};

/** Admission needs every manual check judged `pass` and no required check failing. */
function admissionBlockers(result: StoredScanResult, manual: readonly ManualCheckDecision[]): string[] {
  const judged = new Map(manual.map((m) => [m.id, m]));
  const blockers: string[] = [];
  for (const check of result.checks.results) {
    if (check.result === 'fail') blockers.push(`${check.id} failed`);
    if (check.result === 'manual' && judged.get(check.id)?.result !== 'pass')
      blockers.push(judged.has(check.id) ? `${check.id} judged fail` : `${check.id} needs a manual result`);
  }
  return blockers;
}

/**
 * Records a reviewer's decision. Four eyes: nobody decides on a submission of an organisation they belong to.
 * The decision, the state change and its event are one transaction; the row lock in `transition` makes two
 * reviewers deciding at once end with one decision and one 409.
 */
export async function decide(
  services: CatalogueServices,
  principal: Principal,
  id: string,
  request: DecisionRequest,
): Promise<{ status: SubmissionStatus }> {
  const { catalogue } = services;
  if (!isReviewer(principal)) throw new SgciError('FORBIDDEN', id, 'only reviewers decide on submissions');
  const now = catalogue.now();
  const to = outcome[request.decision];
  await catalogue.transaction(async (tx) => {
    const row = await tx
      .selectFrom('submissions')
      .innerJoin('images', 'images.name', 'submissions.image')
      .select([
        'submissions.organisation',
        'submissions.submitted_by',
        'submissions.status',
        'submissions.result',
        'submissions.image',
        'submissions.digest',
        'submissions.policy_digest',
        'images.repository',
      ])
      .where('submissions.id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new SgciError('NOT_FOUND', id, 'no such submission');
    if (fourEyesBar(principal, { organisation: row.organisation, submittedBy: row.submitted_by })) {
      throw new SgciError('FORBIDDEN', id, `four eyes: you cannot decide on a submission of ${row.organisation}`);
    }
    if (row.status !== 'awaiting-review')
      throw new SgciError('CONFLICT', id, `submission is ${row.status}, not awaiting review`);
    const result = row.result as StoredScanResult;
    const manualIds = new Set(result.checks.results.filter((c) => c.result === 'manual').map((c) => c.id));
    const unknown = request.manualChecks.find((m) => !manualIds.has(m.id));
    if (unknown) throw new SgciError('USAGE', `manualChecks/${unknown.id}`, 'not a manual check of this submission');
    if (to === 'admitted') {
      const blockers = admissionBlockers(result, request.manualChecks);
      if (blockers.length > 0) throw new SgciError('CONFLICT', id, `cannot admit: ${blockers.join('; ')}`);
      if (row.policy_digest !== services.policy.digest) {
        throw new SgciError(
          'CONFLICT',
          id,
          'the catalogue policy changed since the scan: the version must be scanned again',
        );
      }
      if (!services.signing) {
        throw new SgciError(
          'CONFLICT',
          id,
          'the catalogue has no signing key (sgci serve --signing-key): nothing can be admitted',
        );
      }
    }
    await tx
      .insertInto('decisions')
      .values({
        submission: id,
        reviewer: principal.userId,
        decision: request.decision,
        reason: request.reason,
        manual_checks: JSON.stringify(request.manualChecks),
        at: now,
      })
      .execute();
    await transition(tx, {
      id,
      to,
      actor: actorOf(principal),
      now,
      reason: request.reason,
      from: ['awaiting-review'],
      ...(to === 'admitted' ? { set: { admitted_at: now } } : {}),
      detail: { decision: request.decision, manualChecks: request.manualChecks.map((m) => `${m.id}=${m.result}`) },
    });
    if (to === 'admitted' && services.signing) {
      const subject = {
        submission: id,
        image: row.image,
        repository: row.repository,
        digest: row.digest,
        organisation: row.organisation,
        result,
        manualChecks: request.manualChecks,
      };
      await issueVerdict(tx, services.signing, services.policy, subject, actorOf(principal), now);
    }
  });
  return { status: to };
}

/** A contributor of the submission's organisation takes it back, in any open or public state. */
export async function withdraw(
  services: CatalogueServices,
  principal: Principal,
  id: string,
  reason: string,
): Promise<{ status: SubmissionStatus }> {
  const { catalogue } = services;
  await catalogue.transaction(async (tx) => {
    const row = await tx.selectFrom('submissions').select(['organisation']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new SgciError('NOT_FOUND', id, 'no such submission');
    if (!principal.organisations.includes(row.organisation) && principal.role !== 'admin')
      throw new SgciError('FORBIDDEN', id, `only members of ${row.organisation} withdraw its submissions`);
    await transition(tx, { id, to: 'withdrawn', actor: actorOf(principal), now: catalogue.now(), reason });
  });
  return { status: 'withdrawn' };
}
