import type { CatalogueTx } from '../db/open.ts';

/**
 * When a version is evaluated again though no advisory changed: the clock alone moves a finding past its deadline,
 * a version past its grace, a verdict towards its end. The watch job reads `reevaluations.due_at` by its index.
 * Each write takes a batch of versions in one statement (the re-match evaluates versions in batches).
 */

/** After an evaluation at `evaluatedAt`: a version's next one by the clock is at `dueAt` (undefined: none). */
export async function setReevaluations(
  tx: CatalogueTx,
  versions: readonly { readonly submission: string; readonly dueAt: Date | undefined; readonly evaluatedAt: Date }[],
): Promise<void> {
  if (versions.length === 0) return;
  await tx
    .insertInto('reevaluations')
    .values(versions.map((v) => ({ submission: v.submission, due_at: v.dueAt ?? null, evaluated_at: v.evaluatedAt })))
    .onConflict((oc) =>
      oc.column('submission').doUpdateSet((eb) => ({
        due_at: eb.ref('excluded.due_at'),
        evaluated_at: eb.ref('excluded.evaluated_at'),
      })),
    )
    .execute();
}

/** Brings each version's next evaluation forward to its `at`, if it was not due before. */
export async function reevaluateBy(
  tx: CatalogueTx,
  versions: readonly { readonly submission: string; readonly at: Date }[],
): Promise<void> {
  if (versions.length === 0) return;
  await tx
    .insertInto('reevaluations')
    .values(versions.map((v) => ({ submission: v.submission, due_at: v.at })))
    // least() skips a null: a version due never is due at `at`
    .onConflict((oc) =>
      oc.column('submission').doUpdateSet((eb) => ({
        due_at: eb.fn('least', [eb.ref('reevaluations.due_at'), eb.ref('excluded.due_at')]),
      })),
    )
    .execute();
}

/**
 * Verdicts were issued at `now`: evaluate each version again halfway through its verdict's validity, so a current
 * verdict is always there; at once when a PASSED verdict was issued over a finding already overdue (a version
 * admitted with it), so that it becomes at-risk without waiting for the renewal.
 */
export async function reevaluateAfterVerdicts(
  tx: CatalogueTx,
  verdicts: readonly { readonly submission: string; readonly passed: boolean }[],
  now: Date,
  validUntil: Date,
): Promise<void> {
  const passed = verdicts.flatMap((v) => (v.passed ? [v.submission] : []));
  const overdue = new Set(
    passed.length === 0
      ? []
      : (
          await tx
            .selectFrom('findings')
            .select('submission')
            .distinct()
            .where('submission', 'in', passed)
            .where('state', '=', 'open')
            .where('judgement', '=', 'open')
            .where('sla_due', '<', now)
            .execute()
        ).map((r) => r.submission),
  );
  const renewal = new Date((now.getTime() + validUntil.getTime()) / 2);
  await reevaluateBy(
    tx,
    verdicts.map((v) => ({ submission: v.submission, at: overdue.has(v.submission) ? now : renewal })),
  );
}
