import { digestOf, SgciError } from '../core/index.ts';
import { parseDuration } from './duration.ts';
import type { Policy } from './schema.ts';

export const slaSeverities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type SlaSeverity = (typeof slaSeverities)[number];

/** One remediation deadline: a duration as the policy wrote it (`48h`) and in milliseconds, or `next-release`. */
export type SlaWindow = { readonly text: string; readonly ms: number } | { readonly text: 'next-release' };

/**
 * The remediation deadline of each severity (NONE has none), and the severity whose deadline a finding no source
 * rates runs on until someone assesses it (`unknownSeverity`).
 */
export interface SlaPolicy extends Readonly<Record<SlaSeverity, SlaWindow>> {
  readonly unrated: SlaSeverity;
}

function windowOf(text: string, input: string): SlaWindow {
  const ms = parseDuration(text, input);
  return ms === undefined ? { text: 'next-release' } : { text, ms };
}

/** The policy's SLA windows, parsed once: the matcher's SLA clocks and SGCI-VULN-002 both read these. */
export function slaPolicyOf(policy: Policy): SlaPolicy {
  const windows = {} as Record<SlaSeverity, SlaWindow>;
  for (const severity of slaSeverities)
    windows[severity] = windowOf(policy.sla[severity], `${policy.name}: sla.${severity}`);
  return { ...windows, unrated: policy.unknownSeverity };
}

/**
 * The policy with `SEVERITY=DURATION` overrides (`sgci vulns|scan --sla HIGH=3d`) applied. The overrides are part of
 * the effective policy, so its digest changes with them: a report says which deadlines it was judged by.
 */
export function withSlaOverrides(policy: Policy, overrides: readonly string[]): Policy {
  if (overrides.length === 0) return policy;
  const sla = { ...policy.sla };
  for (const item of overrides) {
    const equals = item.indexOf('=');
    const severity = item.slice(0, equals).trim().toUpperCase();
    const duration = item.slice(equals + 1).trim();
    const known = (slaSeverities as readonly string[]).includes(severity);
    if (equals < 0 || !known)
      throw new SgciError('USAGE', item, 'expected SEVERITY=DURATION, e.g. HIGH=7d, CRITICAL=48h, LOW=next-release');
    parseDuration(duration, item);
    sla[severity as SlaSeverity] = duration;
  }
  return Object.freeze({
    ...policy,
    sla,
    digest: digestOf(`${policy.digest}\n${slaSeverities.map((s) => `${s}=${sla[s]}`).join('\n')}`),
  });
}
