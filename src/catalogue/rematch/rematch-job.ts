import { z } from 'zod';
import { slaPolicyOf } from '../../policy/index.ts';
import type { Sbom } from '../../sbom/index.ts';
import { type CachedScan, storeMatcher } from '../../scan/index.ts';
import { appendEvents } from '../db/events.ts';
import type { CatalogueTx } from '../db/open.ts';
import { enqueueJob } from '../jobs/queue.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import type { CatalogueServices } from '../services.ts';
import { scanInputsOf } from '../submissions/inputs.ts';
import { recordMatchingInputs } from '../submissions/record.ts';
import type { StoredScanResult } from '../submissions/result.ts';
import { isPublic, lockSubmissions, type SubmissionStatus, transitionAll } from '../submissions/states.ts';
import { issueVerdicts } from '../verdicts/issue.ts';
import { AdvisoryCache, advisoryState } from './advisory-cache.ts';
import { type RecordedFindings, recordFindingsOf } from './findings.ts';
import { isMatchingInput, type MatchingInput, matchingInputOf, matchingSbomOf } from './matching-input.ts';
import { reevaluateBy, setReevaluations } from './schedule.ts';
import { defaultReevaluation } from './settings.ts';
import { graceEnd, livingStatus } from './status.ts';

export const rematchJobKind = 'sgci.rematch';

/**
 * Versions per `sgci.rematch` job the watch queues: their writes are one statement per kind for the whole batch
 * (findings, events, figures, states, verdicts), where one version alone spends most of its time on the statements'
 * round trips. Fifty take well under a second, far inside a job's lease.
 */
export const rematchBatchSize = 50;

/** The most versions one job may name. */
const maxBatch = 1000;

/** The versions of one `sgci.rematch` job; `{submission}`, one version, as sgci queued it before batches. */
const rematchPayload = z.union([
  z.object({ submissions: z.array(z.string()).min(1).max(maxBatch) }).strict(),
  z.object({ submission: z.string() }).strict(),
]);

/** The states whose stored pass is matched again: the public ones and the one waiting for a reviewer. */
export const rematchedStatuses: readonly SubmissionStatus[] = ['admitted', 'at-risk', 'suspended', 'awaiting-review'];

const system = { kind: 'system' } as const;

/**
 * The SBOM a version is matched from: what its scan stored for matching (`matching_inputs`), or for a version
 * scanned before that was stored, its stored pass, with the input to store for its next evaluation.
 */
async function sbomToMatch(
  services: CatalogueServices,
  version: { readonly input: unknown; readonly scanKey: string },
  subject: Sbom['subject'],
): Promise<{ sbom: Sbom; backfill?: MatchingInput } | undefined> {
  if (isMatchingInput(version.input)) return { sbom: matchingSbomOf(version.input, subject) };
  const stored = (await services.catalogue.store.scans.get(version.scanKey)) as CachedScan | undefined;
  if (!stored) return undefined;
  return { sbom: { ...stored.sbom, subject }, backfill: matchingInputOf(stored.sbom) };
}

/** A version as the re-match reads it. */
type VersionRow = Awaited<ReturnType<typeof readVersions>>[number];

function readVersions(catalogue: CatalogueServices['catalogue'], ids: readonly string[]) {
  return (
    catalogue.db
      .selectFrom('submissions')
      .innerJoin('images', 'images.name', 'submissions.image')
      .leftJoin('matching_inputs', 'matching_inputs.submission', 'submissions.id')
      .selectAll('submissions')
      .select(['images.repository', 'matching_inputs.input'])
      // the reviewer's judgement of the manual checks, which a verdict states: a version is admitted once
      .select((eb) =>
        eb
          .selectFrom('decisions')
          .select('manual_checks')
          .whereRef('decisions.submission', '=', 'submissions.id')
          .where('decision', '=', 'admit')
          .orderBy('id', 'desc')
          .limit(1)
          .as('manual_checks'),
      )
      .where('submissions.id', 'in', ids)
      .execute()
  );
}

/** What one version's evaluation comes to, written with the others of its batch. */
type Outcome =
  /** withdrawn, rejected or never scanned: nothing to evaluate, and nothing to wait for */
  | { readonly kind: 'nothing'; readonly id: string }
  /** why nothing could be re-evaluated, said once in the version's events; its state and result stay as they are */
  | { readonly kind: 'skipped'; readonly id: string; readonly reason: string }
  | {
      readonly kind: 'evaluated';
      readonly id: string;
      readonly row: VersionRow;
      readonly status: SubmissionStatus;
      readonly result: StoredScanResult;
      readonly backfill: MatchingInput | undefined;
    };

/**
 * `sgci.rematch` {submissions}: evaluates versions again without pulling them. The SBOM comes from what the scan
 * stored for matching (else the stored pass, `scan_key`), the advisories from the store as they are now, VEX from
 * the submitted documents and the catalogue's decisions in force, SLA windows from the policy, the time from the
 * catalogue's clock. In the transaction that completes the job, for each version: the new result, the findings and
 * what changed in them (events), the state (`at-risk`, `suspended`, back to `admitted`) and, for a public version, a
 * new verdict: PASSED when admitted, FAILED otherwise. Each of those writes is one statement for the whole batch;
 * what each version gets is what it would get alone. A job that fails, or is handed back, writes nothing of any.
 */
export function rematchJob(services: CatalogueServices): JobDefinition<z.infer<typeof rematchPayload>> {
  const { catalogue, policy } = services;
  const { suspendAfterMs } = services.reevaluation ?? defaultReevaluation;

  const sla = slaPolicyOf(policy);
  const store = services.advisories ?? catalogue.store;
  const { advisories, vex } = store;
  const cache = new AdvisoryCache();
  /**
   * The store as one re-match reads it: its lookups through the process's cache of the store's current state, and
   * the newest import's summary read once, answering both the matcher's "is the database empty" (instead of
   * counting every advisory) and the report's totals; the store's VEX statements, read once for the batch.
   */
  const matcherOnce = async () => {
    const cached = cache.reader(advisories, await advisoryState(store));
    let summary: ReturnType<typeof advisories.summary> | undefined;
    const once = () => {
      summary ??= advisories.summary();
      return summary;
    };
    let statements: ReturnType<typeof vex.list> | undefined;
    return storeMatcher({
      advisories: { ...cached, summary: once, count: async () => (await once()).advisories },
      vex: {
        list: async () => {
          statements ??= vex.list();
          return [...(await statements)];
        },
      },
    });
  };

  async function evaluate(
    id: string,
    row: VersionRow | undefined,
    match: Awaited<ReturnType<typeof matcherOnce>>,
    now: Date,
  ): Promise<Outcome | undefined> {
    const status = row?.status as SubmissionStatus | undefined;
    if (!row) return undefined;
    if (!status || !rematchedStatuses.includes(status) || !row.scan_key || !row.result) return { kind: 'nothing', id };
    const previous = row.result as StoredScanResult;
    // named as the scan named it: VEX statements for the digest apply as they did then
    const toMatch = await sbomToMatch(services, { input: row.input, scanKey: row.scan_key }, previous.vulns.subject);
    if (!toMatch) {
      const reason = 'the stored pass of this version is gone: it can be evaluated again only by a new scan';
      return { kind: 'skipped', id, reason };
    }
    const inputs = scanInputsOf(row.inputs);
    const version = { submission: id, ...versionOf(row) };
    const decided = (await services.vex?.statementsFor({ ...version, diffIds: previous.diffIds }, now)) ?? [];
    const matched = await match(toMatch.sbom, {
      vex: [...inputs.vex, ...decided],
      notes: (row.inputs.vex ?? []).map((f) => `VEX document read: ${f.name}`),
      sla,
      now,
    });
    if (!('report' in matched)) return { kind: 'skipped', id, reason: matched.unavailable };
    const { unavailable: _, ...kept } = previous;
    const result: StoredScanResult = { ...kept, vulns: matched.report, matched: true };
    return { kind: 'evaluated', id, row, status, result, backfill: toMatch.backfill };
  }

  /** The batch's writes, in the transaction that completes the job. */
  async function write(tx: CatalogueTx, outcomes: readonly Outcome[], now: Date): Promise<void> {
    const evaluated = await unchangedSince(tx, outcomes, now);
    await recordMatchingInputs(
      tx,
      evaluated.flatMap((o) => (o.backfill ? [{ submission: o.id, input: o.backfill }] : [])),
    );
    const skipped = outcomes.flatMap((o) => (o.kind === 'skipped' ? [o] : []));
    await appendEvents(
      tx,
      skipped.map((o) => ({
        actor: system,
        subject: { kind: 'submission', id: o.id },
        kind: 'rematch-skipped',
        after: { reason: o.reason },
        at: now,
      })),
    );
    await setReevaluations(
      tx,
      outcomes.flatMap((o) =>
        o.kind === 'evaluated' ? [] : [{ submission: o.id, dueAt: undefined, evaluatedAt: now }],
      ),
    );
    const recorded = await recordFindingsOf(
      tx,
      evaluated.map((o) => ({
        submission: o.id,
        result: o.result,
        previous: { result: o.row.result as StoredScanResult, checksDigest: o.row.checks_digest },
      })),
      policy,
      { reevaluation: true },
    );
    const after = evaluated.map((o, i) => {
      const overdue = recorded[i]?.overdue ?? [];
      const move = livingStatus(o.status, overdue, now, suspendAfterMs);
      return { outcome: o, recorded: recorded[i] as RecordedFindings, move, status: move?.to ?? o.status };
    });
    await transitionAll(
      tx,
      after.flatMap(({ outcome, recorded, move }) =>
        move
          ? [
              {
                id: outcome.id,
                to: move.to,
                actor: system,
                now,
                reason: move.reason,
                from: [outcome.status],
                detail: { overdue: recorded.overdue.map((o) => o.finding.id) },
              },
            ]
          : [],
      ),
    );
    const published = after.filter((a) => isPublic(a.status));
    await reevaluateBy(
      tx,
      published.flatMap(({ outcome, recorded, status }) => {
        const end = status === 'at-risk' ? graceEnd(recorded.overdue, suspendAfterMs) : undefined;
        return end ? [{ submission: outcome.id, at: end }] : [];
      }),
    );
    const { signing } = services;
    if (!signing) return;
    await issueVerdicts(
      tx,
      signing,
      policy,
      // a verdict names the policy its checks were judged by: after a policy change only a new scan can say
      published.flatMap(({ outcome: { id, row }, recorded, status }) =>
        row.policy_digest === policy.digest
          ? [
              {
                subject: {
                  submission: id,
                  ...versionOf(row),
                  result: recorded.result,
                  reports: recorded.reports,
                  manualChecks: row.manual_checks ?? [],
                },
                result: status === 'admitted' ? ('PASSED' as const) : ('FAILED' as const),
              },
            ]
          : [],
      ),
      system,
      now,
    );
  }

  return {
    kind: rematchJobKind,
    payload: rematchPayload,
    async run(payload, ctx) {
      const ids = 'submissions' in payload ? [...new Set(payload.submissions)] : [payload.submission];
      const rows = new Map((await readVersions(catalogue, ids)).map((row) => [row.id, row]));
      const now = catalogue.now();
      const match = await matcherOnce();
      const outcomes: Outcome[] = [];
      for (const id of ids) {
        // shutting down: the whole batch is handed back, nothing of it written
        ctx.signal.throwIfAborted();
        const outcome = await evaluate(id, rows.get(id), match, now);
        if (outcome) outcomes.push(outcome);
      }
      await ctx.finish((tx) => write(tx, outcomes, now));
    },
  };
}

function versionOf(row: VersionRow) {
  return { image: row.image, repository: row.repository, digest: row.digest, organisation: row.organisation };
}

/**
 * Locks the evaluated versions for the batch's writes. One that moved meanwhile (admitted, withdrawn) is left out and
 * queued to be evaluated anew, in its new state; the others are returned.
 */
async function unchangedSince(tx: CatalogueTx, outcomes: readonly Outcome[], now: Date) {
  const evaluated = outcomes.flatMap((o) => (o.kind === 'evaluated' ? [o] : []));
  if (evaluated.length === 0) return [];
  const statusOf = await lockSubmissions(
    tx,
    evaluated.map((o) => o.id),
  );
  const moved = evaluated.filter((o) => statusOf.get(o.id) !== o.status).map((o) => o.id);
  if (moved.length > 0) await enqueueJob(tx, rematchJobKind, { submissions: moved }, now);
  return evaluated.filter((o) => statusOf.get(o.id) === o.status);
}
