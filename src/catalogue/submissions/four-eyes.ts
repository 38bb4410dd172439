import type { Principal } from '../accounts/principal.ts';

/** Why a person may not decide on a submission: they submitted it, or they belong to its organisation. */
export type FourEyesBar = 'own-submission' | 'own-organisation';

/**
 * The four-eyes rule: nobody decides on a version they submitted or that their organisation submitted. Both the
 * decision and the review page read it here, so the page says exactly what the decision would refuse.
 */
export function fourEyesBar(
  principal: Principal,
  submission: { readonly organisation: string; readonly submittedBy: string },
): FourEyesBar | undefined {
  if (submission.submittedBy === principal.userId) return 'own-submission';
  if (principal.organisations.includes(submission.organisation)) return 'own-organisation';
  return undefined;
}
