import type { CatalogueTx } from '../db/open.ts';

/**
 * When a version is evaluated again though no advisory changed: the clock alone moves a finding past its deadline,
 * a version past its grace, a verdict towards its end. The watch job reads `reevaluations.due_at` by its index.
 */

/** After an evaluation at `now`: the version's next one by the clock is at `dueAt` (undefined: none). */
export async function setReevaluation(
  tx: CatalogueTx,
  submission: string,
  dueAt: Date | undefined,
  now: Date,
): Promise<void> {
  const values = { submission, due_at: dueAt ?? null, evaluated_at: now };
  await tx
    .insertInto('reevaluations')
    .values(values)
    .onConflict((oc) => oc.column('submission').doUpdateSet({ due_at: values.due_at, evaluated_at: now }))
    .execute();
}

/** Brings the version's next evaluation forward to `at`, if it was not due before. */
export async function reevaluateBy(tx: CatalogueTx, submission: string, at: Date): Promise<void> {
  await tx
    .insertInto('reevaluations')
    .values({ submission, due_at: at })
    // least() skips a null: a version due never is due at `at`
    .onConflict((oc) =>
      oc.column('submission').doUpdateSet((eb) => ({
        due_at: eb.fn('least', [eb.ref('reevaluations.due_at'), eb.ref('excluded.due_at')]),
      })),
    )
    .execute();
}

/**
 * A verdict was issued at `now`: evaluate the version again halfway through the verdict's validity, so a current
 * verdict is always there; at once when a PASSED verdict was issued over a finding already overdue (a version
 * admitted with it), so that it becomes at-risk without waiting for the renewal.
 */
export async function reevaluateAfterVerdict(
  tx: CatalogueTx,
  submission: string,
  passed: boolean,
  now: Date,
  validUntil: Date,
): Promise<void> {
  const overdue =
    passed &&
    (await tx
      .selectFrom('findings')
      .select('id')
      .where('submission', '=', submission)
      .where('state', '=', 'open')
      .where('judgement', '=', 'open')
      .where('sla_due', '<', now)
      .limit(1)
      .executeTakeFirst()) !== undefined;
  await reevaluateBy(tx, submission, overdue ? now : new Date((now.getTime() + validUntil.getTime()) / 2));
}
