import { describe } from '../core/index.ts';
import { type CheckAction, findException } from '../policy/index.ts';
import type { Check, CheckContext, CheckResult, PassContext, ScanContext, Status } from './check.ts';
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
 * What the pass's finish step keeps of the checks, as plain data stored with a scan: the results of the
 * filesystem checks and the layer facts the context checks collected. A re-scan of the same digest under the
 * same policy and inputs reuses it and reads no layer.
 */
export interface PassResults {
  readonly results: Readonly<Record<string, CheckResult>>;
  readonly facts: Readonly<Record<string, unknown>>;
}

/** A check that throws fails with the error as its evidence: never dropped, and never a passed gate. */
async function guarded(evaluate: () => CheckResult | Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await evaluate();
  } catch (error) {
    return evaluationFailed(error);
  }
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

/** The checks' part of the pass's finish step: filesystem checks evaluated, context checks' facts collected. */
export async function evaluatePass(ctx: PassContext, checks: readonly Check[] = allChecks): Promise<PassResults> {
  const results: Record<string, CheckResult> = {};
  const facts: Record<string, unknown> = {};
  for (const check of checks) {
    if (actionFor(check, ctx.policy) === 'off') continue;
    if (check.reads === 'filesystem') results[check.id] = await guarded(() => check.evaluate(ctx));
    else if (check.collect) {
      try {
        facts[check.id] = await check.collect(ctx);
      } catch (error) {
        results[check.id] = await guarded(() => {
          throw error;
        });
      }
    }
  }
  return { results, facts };
}

/**
 * Judges every check in catalogue order: the filesystem checks' results from the pass, the context checks
 * evaluated now (with the facts they collected), then the policy (fail/warn/off, exceptions).
 */
export async function judgeChecks(
  ctx: CheckContext,
  pass: PassResults,
  checks: readonly Check[] = allChecks,
): Promise<CheckRun> {
  const outcomes: CheckOutcome[] = [];
  const disabled: string[] = [];
  for (const check of checks) {
    const action = actionFor(check, ctx.policy);
    if (action === 'off') {
      disabled.push(check.id);
      continue;
    }
    let result =
      pass.results[check.id] ??
      (check.reads === 'filesystem'
        ? {
            status: 'manual' as const,
            reason: 'the filesystem was not read in this run',
            reasonDe: 'das Dateisystem wurde in diesem Lauf nicht gelesen',
          }
        : await guarded(() => check.evaluate(ctx, pass.facts[check.id])));
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

/** Both steps on one context (the layers and everything else at hand): what tests and one-off runs use. */
export async function runChecks(ctx: ScanContext, checks: readonly Check[] = allChecks): Promise<CheckRun> {
  return judgeChecks(ctx, await evaluatePass(ctx, checks), checks);
}
