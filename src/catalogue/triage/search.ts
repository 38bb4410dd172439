import type { Finding, SlaState } from '../../vuln/index.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Catalogue } from '../db/open.ts';
import type { SubmissionStatus } from '../submissions/states.ts';
import { canSee } from '../submissions/view.ts';
import { type FindingState, findingStatesNow, type VersionImpact } from './impact.ts';
import type { CatalogueVexSource } from './source.ts';
import { findingsNaming, findingsOnPackage } from './versions.ts';

/** What triage looks for across the catalogue: a vulnerability (by id or alias) or a package (by package URL). */
export type TriageQuery =
  | { readonly kind: 'vulnerability'; readonly id: string }
  | { readonly kind: 'purl'; readonly purl: string };

/** A finding as stored by the version's last evaluation (severity, fix, SLA clock), and its VEX reading now. */
export interface TriageFinding {
  readonly finding: Finding;
  readonly now: FindingState;
}

/** A version as the dry run names it, with its findings of the query instead of the changes. */
export interface TriageVersion extends Omit<VersionImpact, 'changes' | 'status'> {
  readonly status: SubmissionStatus;
  readonly findings: readonly TriageFinding[];
}

export interface TriageResults {
  /** The live versions `principal` may see with findings the query names, oldest submission first. */
  readonly versions: readonly TriageVersion[];
  /** Versions left out beyond `limit`. */
  readonly more: number;
}

/**
 * A vulnerability or a package across the live versions (in review or admitted) `principal` may see, with each
 * finding's VEX status as the decisions in force read it now: a decision recorded since a version's last
 * re-evaluation already shows. At most `limit` versions are read through; the rest are only counted.
 */
export async function findAcrossVersions(
  catalogue: Catalogue,
  source: CatalogueVexSource,
  principal: Principal,
  query: TriageQuery,
  limit: number,
): Promise<TriageResults> {
  const now = catalogue.now();
  const rows =
    query.kind === 'vulnerability'
      ? await findingsNaming(catalogue.db, [query.id])
      : await findingsOnPackage(catalogue.db, query.purl);
  const visible = rows.filter(({ version }) => canSee(principal, version));
  const versions: TriageVersion[] = [];
  for (const { version, findings } of visible.slice(0, limit)) {
    const states = await findingStatesNow(source, version, findings, now);
    versions.push({
      submission: version.submission,
      image: version.image,
      digest: version.digest,
      status: version.status,
      findings: findings.map((finding, i) => ({ finding, now: states[i] ?? stateless })),
    });
  }
  return { versions, more: Math.max(0, visible.length - limit) };
}

const stateless: FindingState = { suppressed: false, status: null, document: null };

/**
 * The SLA clocks of a vulnerability's findings in the live versions, by `submission|finding`: what a dry run's
 * changes stop or restart (a suppressed finding is not counted, so its clock does not run).
 */
export async function slaClocksOf(catalogue: Catalogue, vulnerability: string): Promise<Map<string, SlaState>> {
  const clocks = new Map<string, SlaState>();
  for (const { version, findings } of await findingsNaming(catalogue.db, [vulnerability]))
    for (const finding of findings) if (finding.sla) clocks.set(`${version.submission}|${finding.id}`, finding.sla);
  return clocks;
}
