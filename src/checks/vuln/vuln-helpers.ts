import { findException } from '../../policy/index.ts';
import type { Finding } from '../../vuln/index.ts';
import type { CheckContext } from '../check.ts';
import type { LocalizedEvidence, Text } from '../evidence.ts';

/** Active findings (not VEX-suppressed, counted) with policy exceptions split off, never dropped. */
export function activeFindings(
  ctx: CheckContext,
  findings: readonly Finding[],
): { active: Finding[]; excepted: LocalizedEvidence[] } {
  const active: Finding[] = [];
  const excepted: LocalizedEvidence[] = [];
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
        messageDe: `Policy-Ausnahme, genehmigt von ${match.exception.approver}, gültig bis ${match.exception.expires}: ${match.exception.justification}`,
      });
      continue;
    }
    if (match?.status === 'expired') {
      excepted.push({
        kind: 'note',
        message: `exception for ${match.exception.vulnerability} expired on ${match.exception.expires}: no longer applies`,
        messageDe: `Ausnahme für ${match.exception.vulnerability} am ${match.exception.expires} abgelaufen: gilt nicht mehr`,
      });
    }
    active.push(f);
  }
  return { active, excepted };
}

/** Evidence for one finding, with an optional message in English and German. */
export function vulnEvidence(f: Finding, message?: Text): LocalizedEvidence {
  const evidence = {
    kind: 'vulnerability',
    id: f.vulnerability.id,
    purl: f.package.purl,
    severity: f.vulnerability.severity,
  } as const;
  return message ? { ...evidence, message: message.en, messageDe: message.de } : evidence;
}
