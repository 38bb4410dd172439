import { applyVex, type Finding, parseVex, type VexStatement, type VexStatus } from '../../vuln/index.ts';
import type { CatalogueDb } from '../db/open.ts';
import type { SubmissionInputs } from '../db/schema.ts';
import type { VexDecision } from './decision.ts';
import type { CatalogueVexSource } from './source.ts';
import { statementIdOf, versionStatements } from './statements.ts';
import { findingsNaming, type StoredVersion } from './versions.ts';

/** How a finding reads under the statements in force. */
export interface FindingState {
  readonly suppressed: boolean;
  readonly status: VexStatus | null;
  /** Where the statement that applies comes from: a catalogue decision (and from which base) or the contributor. */
  readonly document: string | null;
}

export interface FindingChange {
  /** The finding's id in the version's vulnerability report. */
  readonly finding: string;
  readonly vulnerability: string;
  readonly purl: string;
  readonly before: FindingState;
  readonly after: FindingState;
}

export interface VersionImpact {
  readonly submission: string;
  readonly image: string;
  readonly digest: string;
  readonly status: string;
  readonly changes: readonly FindingChange[];
}

export interface DecisionImpact {
  /** Versions the principal may see whose findings change, oldest submission first. */
  readonly versions: readonly VersionImpact[];
  /** Versions that change but the principal may not see (another organisation's, not yet public). */
  readonly hidden: number;
}

/** A change to the decisions: one added (a draft, or one just recorded) or one withdrawn. */
export type DecisionChange =
  | { readonly kind: 'add'; readonly decision: VexDecision }
  | { readonly kind: 'withdraw'; readonly decision: VexDecision };

/** The contributor's own VEX documents, as the scan job applies them before the catalogue's decisions. */
function contributorStatements(inputs: SubmissionInputs): VexStatement[] {
  return (inputs.vex ?? []).flatMap((file) => parseVex(file.content, `vex/${file.name}`));
}

function stateOf(finding: Omit<Finding, 'sla'>): FindingState {
  return {
    suppressed: finding.suppressed,
    status: finding.vex?.status ?? null,
    document: finding.vex?.document ?? null,
  };
}

const sameState = (a: FindingState, b: FindingState) =>
  a.suppressed === b.suppressed && a.status === b.status && a.document === b.document;

/**
 * The statements the matcher applies to a version at `now`: the contributor's own VEX first, then the catalogue's
 * decisions (with `draft` added where it reaches the version).
 */
async function statementsNow(
  source: CatalogueVexSource,
  version: StoredVersion,
  now: Date,
  draft?: VexDecision,
): Promise<VexStatement[]> {
  const applied = await source.decisionsFor(version, now, draft);
  return [...contributorStatements(version.inputs), ...versionStatements(version, applied.own, applied.inherited)];
}

/** The findings as matched afresh, as the scan job and re-evaluation apply statements: nothing stored carries over. */
function readAfresh(findings: readonly Finding[], statements: readonly VexStatement[], version: StoredVersion) {
  const raw = findings.map((f) => ({ ...f, suppressed: false, vex: null }));
  return applyVex(raw, statements, version.subject).map((f) => stateOf(f));
}

/**
 * How a version's findings read under the statements in force at `now`: what its report will say after the next
 * re-evaluation, which a decision recorded since the last one already changes.
 */
export async function findingStatesNow(
  source: CatalogueVexSource,
  version: StoredVersion,
  findings: readonly Finding[],
  now: Date,
): Promise<FindingState[]> {
  return readAfresh(findings, await statementsNow(source, version, now), version);
}

/** The findings of one version that read differently after the change, recomputed from its stored findings. */
async function versionChanges(
  source: CatalogueVexSource,
  version: StoredVersion,
  findings: readonly Finding[],
  change: DecisionChange,
  now: Date,
): Promise<FindingChange[]> {
  const before = await statementsNow(source, version, now);
  const after =
    change.kind === 'add'
      ? await statementsNow(source, version, now, change.decision)
      : before.filter((s) => s.id !== statementIdOf(change.decision.id));
  const was = readAfresh(findings, before, version);
  const becomes = readAfresh(findings, after, version);
  const changes: FindingChange[] = [];
  for (const [i, finding] of findings.entries()) {
    const b = was[i];
    const a = becomes[i];
    if (!a || !b || sameState(a, b)) continue;
    changes.push({
      finding: finding.id,
      vulnerability: finding.vulnerability.id,
      purl: finding.package.purl,
      before: b,
      after: a,
    });
  }
  return changes;
}

/**
 * Which findings of which live versions a change to the decisions would change, from their stored findings and
 * before anything is saved: the dry run of a draft, and what a recorded or withdrawn decision's event lists.
 * Versions `visible` refuses are only counted.
 */
export async function decisionImpact(
  db: CatalogueDb,
  source: CatalogueVexSource,
  change: DecisionChange,
  now: Date,
  visible: (version: StoredVersion) => boolean,
): Promise<DecisionImpact> {
  const versions: VersionImpact[] = [];
  let hidden = 0;
  for (const { version, findings } of await findingsNaming(db, [change.decision.vulnerability])) {
    const changes = await versionChanges(source, version, findings, change, now);
    if (changes.length === 0) continue;
    if (!visible(version)) {
      hidden++;
      continue;
    }
    versions.push({
      submission: version.submission,
      image: version.image,
      digest: version.digest,
      status: version.status,
      changes,
    });
  }
  return { versions, hidden };
}
