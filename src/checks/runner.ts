import { describe } from '../core/index.ts';
import { type CheckAction, findException } from '../policy/index.ts';
import type { Check, CheckContext, CheckResult, Status } from './check.ts';
import { checks as allChecks } from './registry.ts';

export interface AppliedException {
  readonly status: 'applied' | 'expired';
  readonly justification: string;
  readonly approver: string;
  readonly expires: string;
}

export interface CheckOutcome {
  readonly check: Check;
  /** What the policy does with a failure of this check. */
  readonly action: Exclude<CheckAction, 'off'>;
  /** The check's result; a `fail` of a check the policy sets to `warn` is reported as `warn`. */
  readonly result: CheckResult;
  /** The check's own status before the policy downgraded it. */
  readonly checkStatus: Status;
  readonly exception?: AppliedException;
}

export interface CheckRun {
  readonly outcomes: readonly CheckOutcome[];
  /** Checks the policy turned off: listed, not run. */
  readonly disabled: readonly string[];
  /** True when a `fail` remains that no exception waives. */
  readonly gateFailed: boolean;
}

/** Default for a check the policy does not name: every check gates (the seeds' admission criteria). */
export function actionFor(check: Check, policy: CheckContext['policy']): CheckAction {
  return policy.checks[check.id] ?? 'fail';
}

/**
 * Runs every check against the context, in catalogue order, and applies the policy (fail/warn/off, exceptions).
 * A check that throws fails with the error as its evidence: never dropped, and never a passed gate.
 */
export async function runChecks(ctx: CheckContext, checks: readonly Check[] = allChecks): Promise<CheckRun> {
  const outcomes: CheckOutcome[] = [];
  const disabled: string[] = [];
  for (const check of checks) {
    const action = actionFor(check, ctx.policy);
    if (action === 'off') {
      disabled.push(check.id);
      continue;
    }
    let result: CheckResult;
    try {
      result = await check.evaluate(ctx);
    } catch (error) {
      result = evaluationFailed(error);
    }
    const checkStatus = result.status;
    if (result.status === 'fail' && action === 'warn') result = { ...result, status: 'warn' };
    let exception: AppliedException | undefined;
    if (ctx.image && (result.status === 'fail' || result.status === 'warn')) {
      const match = findException(ctx.policy.exceptions, { check: check.id }, ctx.image, ctx.now);
      if (match) {
        exception = {
          status: match.status,
          justification: match.exception.justification,
          approver: match.exception.approver,
          expires: match.exception.expires,
        };
      }
    }
    outcomes.push({ check, action, result, checkStatus, ...(exception ? { exception } : {}) });
  }
  const gateFailed = outcomes.some((o) => o.result.status === 'fail' && o.exception?.status !== 'applied');
  return { outcomes, disabled, gateFailed };
}

/**
 * A check that could not decide has not shown the image compliant: it fails (the policy can still
 * downgrade the check to warn), and the error is its evidence.
 */
function evaluationFailed(error: unknown): CheckResult {
  return {
    status: 'fail',
    evidence: [
      {
        kind: 'note',
        message: `could not be evaluated: ${describe(error)}`,
        messageDe: `konnte nicht ausgewertet werden: ${describe(error)}`,
      },
    ],
    remediation: 'sgci could not evaluate this check on this image: report the error to the sgci maintainers.',
    remediationDe:
      'sgci konnte diese Prüfung für dieses Image nicht auswerten: den Fehler an die Betreuer von sgci melden.',
  };
}
