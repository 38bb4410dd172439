import { issueVerificationSummary, type Signer, type VerdictCheck } from '../../attest/index.ts';
import { type Digest, digestOf, SgciError } from '../../core/index.ts';
import { type Policy, policyDocument, slaPolicyOf, slaSeverities } from '../../policy/index.ts';
import { type Actor, appendEvents } from '../db/events.ts';
import type { CatalogueTx } from '../db/open.ts';
import type { ManualCheckDecision } from '../db/schema.ts';
import { type ReportDigests, reportDigestsOf } from '../images/figures.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { reevaluateAfterVerdicts } from '../rematch/schedule.ts';
import type { StoredScanResult } from '../submissions/result.ts';

/** The catalogue's signing identity: its key, the URI consumers know it by, where its policy is published. */
export interface VerdictSigning {
  readonly signer: Signer;
  /** `verifier.id`: the catalogue's public URL. */
  readonly verifierId: string;
  /** Where the admission policy is published (`policy.uri`). */
  readonly policyUri: string;
}

export const pushVerdictJobKind = 'sgci.push-verdict';

const hour = 3_600_000;

/**
 * How long a verdict holds: the policy's shortest SLA window (48 h for CRITICAL by default), at least one hour.
 * Within it no finding published after the verdict can have become overdue unseen; every re-evaluation issues a
 * new one, so a verdict older than that cannot pass for a current one.
 */
export function verdictValidityMs(policy: Policy): number {
  const sla = slaPolicyOf(policy);
  let shortest = 30 * 24 * hour;
  for (const severity of slaSeverities) {
    const window = sla[severity];
    if ('ms' in window) shortest = Math.min(shortest, window.ms);
  }
  return Math.max(hour, shortest);
}

/** `registry.example:5000/team/app` → its registry and repository. */
export function splitRepository(repository: string): { registry: string; repository: string } {
  const slash = repository.indexOf('/');
  if (slash < 0) throw new SgciError('REFERENCE_INVALID', repository, 'expected registry/repository');
  return { registry: repository.slice(0, slash), repository: repository.slice(slash + 1) };
}

/** The check results a verdict states: the scan's, with each manual check as the reviewer judged it. */
export function verdictChecks(result: StoredScanResult, manual: readonly ManualCheckDecision[]): VerdictCheck[] {
  const judged = new Map(manual.map((m) => [m.id, m.result]));
  return result.checks.results.map((c) => ({
    id: c.id,
    level: c.level,
    result: c.result === 'manual' ? (judged.get(c.id) ?? 'manual') : c.result,
  }));
}

export interface VerdictSubject {
  readonly submission: string;
  readonly image: string;
  /** `registry/repository` of the version. */
  readonly repository: string;
  readonly digest: string;
  readonly organisation: string;
  readonly result: StoredScanResult;
  /** The digests of the result's reports when the caller recorded them just now (else computed here). */
  readonly reports?: ReportDigests;
  readonly manualChecks: readonly ManualCheckDecision[];
}

/** The documents a verdict rests on, by the URL the API serves them at and the digest of those bytes. */
function inputAttestations(signing: VerdictSigning, subject: VerdictSubject): { uri: string; digest: Digest }[] {
  const base = `${signing.verifierId.replace(/\/$/, '')}/api/v1/images/${subject.image}/versions/${subject.digest}`;
  const reports = subject.reports ?? reportDigestsOf(subject.result);
  return [
    { uri: `${base}/checks`, digest: reports.checks },
    { uri: `${base}/vulns`, digest: reports.vulns },
  ];
}

/** One verdict to issue: its version and what it says. */
export interface VerdictToIssue {
  readonly subject: VerdictSubject;
  readonly result: 'PASSED' | 'FAILED';
}

/**
 * Signs and stores the verdict of an admitted (or re-evaluated) version in the caller's transaction, and queues
 * its push to the registry when the organisation allows that. `PASSED` for an admitted version; `FAILED` for one
 * a re-evaluation found at risk or suspended, so the newest verdict always says what holds now. The version is
 * evaluated again before this verdict runs out (rematch/schedule.ts).
 */
export async function issueVerdict(
  tx: CatalogueTx,
  signing: VerdictSigning,
  policy: Policy,
  subject: VerdictSubject,
  actor: Actor,
  now: Date,
  result: 'PASSED' | 'FAILED' = 'PASSED',
): Promise<string> {
  const [id] = await issueVerdicts(tx, signing, policy, [{ subject, result }], actor, now);
  return id as string;
}

/**
 * `issueVerdict` for several versions (a batch of re-evaluations), each write one statement for all of them: the
 * verdicts, their events (each version's after its earlier ones), the next evaluations, the pushes. Returns the
 * verdicts' ids in the order given.
 */
export async function issueVerdicts(
  tx: CatalogueTx,
  signing: VerdictSigning,
  policy: Policy,
  verdicts: readonly VerdictToIssue[],
  actor: Actor,
  now: Date,
): Promise<string[]> {
  if (verdicts.length === 0) return [];
  const validUntil = new Date(now.getTime() + verdictValidityMs(policy));
  const policyRef = { uri: signing.policyUri, digest: digestOf(policyDocument(policy)), version: policy.name };
  const rows = [];
  for (const { subject, result } of verdicts) {
    const { bytes } = await issueVerificationSummary(signing.signer, {
      image: { ...splitRepository(subject.repository), digest: subject.digest as Digest },
      verifierId: signing.verifierId,
      timeVerified: now,
      policy: policyRef,
      inputAttestations: inputAttestations(signing, subject),
      verificationResult: result,
      checks: verdictChecks(subject.result, subject.manualChecks),
      validFrom: now,
      validUntil,
    });
    rows.push({
      submission: subject.submission,
      digest: subject.digest,
      result,
      policy_digest: policy.digest,
      envelope: Buffer.from(bytes).toString('utf8'),
      valid_from: now,
      valid_until: validUntil,
      created_at: now,
    });
  }
  const inserted = await tx.insertInto('verdicts').values(rows).returning(['id', 'submission']).execute();
  // one verdict per version in a batch: its id found by the version
  const idOf = new Map(inserted.map((row) => [row.submission, String(row.id)]));
  const ids = verdicts.map((v) => idOf.get(v.subject.submission) ?? '');
  await appendEvents(
    tx,
    verdicts.map(({ subject, result }, i) => ({
      actor,
      subject: { kind: 'submission', id: subject.submission },
      kind: 'verdict',
      after: { verdict: ids[i], result, validUntil: validUntil.toISOString(), policy: policy.digest },
      at: now,
    })),
  );
  await reevaluateAfterVerdicts(
    tx,
    verdicts.map((v) => ({ submission: v.subject.submission, passed: v.result === 'PASSED' })),
    now,
    validUntil,
  );
  const pushing = await tx
    .selectFrom('organisations')
    .select('slug')
    .where('slug', 'in', [...new Set(verdicts.map((v) => v.subject.organisation))])
    .where('push_verdicts', '=', true)
    .execute();
  const pushed = new Set(pushing.map((org) => org.slug));
  for (const [i, { subject }] of verdicts.entries()) {
    if (pushed.has(subject.organisation)) await enqueueJob(tx, pushVerdictJobKind, { verdict: ids[i] }, now);
  }
  return ids;
}
