import { PackageURL } from 'packageurl-js';
import { applyVex, type Finding } from '../../vuln/index.ts';
import type { CatalogueDb } from '../db/open.ts';
import type { VexDecision } from './decision.ts';
import type { CatalogueVexSource } from './source.ts';
import { decisionIdOf, versionStatements } from './statements.ts';
import { findingsNaming, type StoredVersion } from './versions.ts';

/** A finding a decision's package URL almost names, and why it does not match. */
export interface NearMiss {
  readonly submission: string;
  readonly purl: string;
  readonly reason: string;
}

function parsed(text: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(text);
  } catch {
    return undefined;
  }
}

/**
 * Why a finding's package is not the one a decision names, when it is close: the same package with another version
 * or other qualifiers (the PURL-qualifier pitfall), or a binary package of the source package the decision names
 * (Debian and other distributions publish advisories per source package).
 */
export function nearMissReason(decisionPurl: string, finding: Pick<Finding, 'package'>): string | undefined {
  const d = parsed(decisionPurl);
  const f = parsed(finding.package.purl);
  if (!d || !f || d.type !== f.type || (d.namespace ?? '') !== (f.namespace ?? '')) return undefined;
  if (d.name !== f.name) {
    return finding.package.sourceName === d.name
      ? `${d.name} is the source package; the finding names its binary package ${f.name}`
      : undefined;
  }
  const reasons: string[] = [];
  if (d.version && d.version !== f.version) reasons.push(`version ${f.version ?? '(none)'}, not ${d.version}`);
  for (const [key, value] of Object.entries(d.qualifiers ?? {})) {
    const has = f.qualifiers?.[key];
    reasons.push(has === undefined ? `no qualifier ${key}` : `qualifier ${key}=${has}, not ${value}`);
  }
  return reasons.length > 0 ? `the finding has ${reasons.join(', ')}` : undefined;
}

/** Near misses from one version's findings of a decision's vulnerability, one per package URL. */
function nearMisses(decision: VexDecision, version: StoredVersion, findings: readonly Finding[]): NearMiss[] {
  const purl = decision.scope.purl;
  if (!purl) return [];
  const out = new Map<string, NearMiss>();
  for (const finding of findings) {
    const ids = [finding.vulnerability.id, ...finding.vulnerability.aliases];
    if (!ids.includes(decision.vulnerability) || out.has(finding.package.purl)) continue;
    const reason = nearMissReason(purl, finding);
    if (reason) out.set(finding.package.purl, { submission: version.submission, purl: finding.package.purl, reason });
  }
  return [...out.values()];
}

/** At most this many near misses per decision: enough to see the pitfall, bounded for a catalogue of many versions. */
const nearMissLimit = 10;

/**
 * Of `decisions`, those whose scope and vulnerability match no finding of any live version `visible` allows, each
 * with the findings it nearly names in versions its scope reaches. A match is tried exactly as the matcher applies
 * the decision (directly or inherited from a base), so for a reviewer (who sees every version) a decision listed
 * here changes nothing anywhere. Versions the principal may not see count neither way: whether another
 * organisation's unpublished version has a finding is not theirs to learn.
 */
export async function unmatchedDecisions(
  db: CatalogueDb,
  source: CatalogueVexSource,
  decisions: readonly VexDecision[],
  now: Date,
  visible: (version: StoredVersion) => boolean,
): Promise<Map<string, NearMiss[]>> {
  const open = new Map(decisions.filter((d) => d.state !== 'withdrawn').map((d) => [d.id, d]));
  const unmatched = new Map([...open.keys()].map((id) => [id, [] as NearMiss[]]));
  const rows = await findingsNaming(
    db,
    [...open.values()].map((d) => d.vulnerability),
  );
  for (const { version, findings } of rows) {
    if (!visible(version)) continue;
    const applied = await source.decisionsFor(version, now);
    // as matched afresh: what the stored result says came from the statements of its last evaluation
    const raw = findings.map((f) => ({ ...f, suppressed: false, vex: null }));
    for (const statement of versionStatements(version, applied.own, applied.inherited)) {
      const id = decisionIdOf(statement.id);
      const decision = id === undefined ? undefined : open.get(id);
      const misses = id === undefined ? undefined : unmatched.get(id);
      if (!decision || !misses) continue;
      if (applyVex(raw, [statement], version.subject).some((f) => f.vex !== null)) {
        unmatched.delete(decision.id);
        continue;
      }
      for (const miss of nearMisses(decision, version, findings)) {
        if (misses.length >= nearMissLimit) break;
        misses.push(miss);
      }
    }
  }
  return unmatched;
}
