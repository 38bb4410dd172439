import { findException } from '../../policy/index.ts';
import type { Finding } from '../../vuln/types.ts';
import type { CheckContext } from '../check.ts';
import type { Evidence } from '../evidence.ts';

/** Active findings (not VEX-suppressed, counted) with policy exceptions split off, never dropped. */
export function activeFindings(
  ctx: CheckContext,
  findings: readonly Finding[],
): { active: Finding[]; excepted: Evidence[] } {
  const active: Finding[] = [];
  const excepted: Evidence[] = [];
  for (const f of findings) {
    if (f.suppressed || f.judgement !== 'open') continue;
    const ids = [f.vulnerability.id, ...f.vulnerability.aliases];
    const match = ctx.image
      ? findException(ctx.policy.exceptions, { vulnerability: ids }, ctx.image, ctx.now)
      : undefined;
    if (match?.status === 'applied') {
      excepted.push({
        kind: 'vulnerability',
        id: f.vulnerability.id,
        purl: f.package.purl,
        severity: f.vulnerability.severity,
        message: `policy exception by ${match.exception.approver} until ${match.exception.expires}: ${match.exception.justification}`,
      });
      continue;
    }
    if (match?.status === 'expired') {
      excepted.push({
        kind: 'note',
        message: `exception for ${match.exception.vulnerability} expired on ${match.exception.expires}: no longer applies`,
      });
    }
    active.push(f);
  }
  return { active, excepted };
}

export function vulnEvidence(f: Finding, message?: string): Evidence {
  return {
    kind: 'vulnerability',
    id: f.vulnerability.id,
    purl: f.package.purl,
    severity: f.vulnerability.severity,
    ...(message ? { message } : {}),
  };
}
