import { z } from 'zod';
import { SgciError } from '../../core/index.ts';
import { slaPolicyOf } from '../../policy/index.ts';
import type { Sbom } from '../../sbom/index.ts';
import { type CachedScan, storeMatcher } from '../../scan/index.ts';
import { appendEvent } from '../db/events.ts';
import type { CatalogueTx } from '../db/open.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import type { CatalogueServices } from '../services.ts';
import { scanInputsOf } from '../submissions/inputs.ts';
import { recordMatchingInput } from '../submissions/record.ts';
import type { StoredScanResult } from '../submissions/result.ts';
import { isPublic, type SubmissionStatus, transition } from '../submissions/states.ts';
import { issueVerdict } from '../verdicts/issue.ts';
import { AdvisoryCache, advisoryState } from './advisory-cache.ts';
import { recordFindings } from './findings.ts';
import { isMatchingInput, type MatchingInput, matchingInputOf, matchingSbomOf } from './matching-input.ts';
import { reevaluateBy, setReevaluation } from './schedule.ts';
import { defaultReevaluation } from './settings.ts';
import { graceEnd, livingStatus } from './status.ts';

export const rematchJobKind = 'sgci.rematch';

/** The states whose stored pass is matched again: the public ones and the one waiting for a reviewer. */
export const rematchedStatuses: readonly SubmissionStatus[] = ['admitted', 'at-risk', 'suspended', 'awaiting-review'];

const system = { kind: 'system' } as const;

/** Locks the version for its evaluation's writes; one that moved meanwhile (admitted, withdrawn) is evaluated anew. */
async function lockUnchanged(tx: CatalogueTx, id: string, status: SubmissionStatus): Promise<void> {
  const row = await tx.selectFrom('submissions').select('status').where('id', '=', id).forUpdate().executeTakeFirst();
  if (row?.status !== status) {
    throw new SgciError('CONFLICT', id, `became ${row?.status ?? 'absent'} during its re-evaluation; evaluated again`);
  }
}

/** Why nothing could be re-evaluated, said once in the version's events; its state and result stay as they are. */
async function skip(tx: CatalogueTx, id: string, reason: string, now: Date): Promise<void> {
  await appendEvent(tx, {
    actor: system,
    subject: { kind: 'submission', id },
    kind: 'rematch-skipped',
    after: { reason },
    at: now,
  });
  await setReevaluation(tx, id, undefined, now);
}

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

/**
 * `sgci.rematch` {submission}: evaluates a version again without pulling it. The SBOM comes from what the scan
 * stored for matching (else the stored pass, `scan_key`), the advisories from the store as they are now, VEX from
 * the submitted documents and the catalogue's decisions in force, SLA windows from the policy, the time from the
 * catalogue's clock. In the transaction that completes the job: the new result, the findings and what changed in
 * them (events), the state (`at-risk`, `suspended`, back to `admitted`) and, for a public version, a new verdict:
 * PASSED when admitted, FAILED otherwise.
 */
export function rematchJob(services: CatalogueServices): JobDefinition<{ submission: string }> {
  const { catalogue, policy } = services;
  const { suspendAfterMs } = services.reevaluation ?? defaultReevaluation;

  const sla = slaPolicyOf(policy);
  const store = services.advisories ?? catalogue.store;
  const { advisories, vex } = store;
  const cache = new AdvisoryCache();
  /**
   * The store as one re-match reads it: its lookups through the process's cache of the store's current state, and
   * the newest import's summary read once, answering both the matcher's "is the database empty" (instead of
   * counting every advisory) and the report's totals.
   */
  const matcherOnce = async () => {
    const cached = cache.reader(advisories, await advisoryState(store));
    let summary: ReturnType<typeof advisories.summary> | undefined;
    const once = () => {
      summary ??= advisories.summary();
      return summary;
    };
    return storeMatcher({
      advisories: { ...cached, summary: once, count: async () => (await once()).advisories },
      vex,
    });
  };
  return {
    kind: rematchJobKind,
    payload: z.object({ submission: z.string() }).strict(),
    async run({ submission: id }, ctx) {
      const row = await catalogue.db
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
        .where('submissions.id', '=', id)
        .executeTakeFirst();
      const now = catalogue.now();
      const status = row?.status as SubmissionStatus | undefined;
      if (!row || !status || !rematchedStatuses.includes(status) || !row.scan_key || !row.result) {
        // withdrawn, rejected or never scanned: nothing to evaluate, and nothing to wait for
        if (row) await ctx.finish((tx) => setReevaluation(tx, id, undefined, now));
        return;
      }
      const previous = row.result as StoredScanResult;
      // named as the scan named it: VEX statements for the digest apply as they did then
      const toMatch = await sbomToMatch(services, { input: row.input, scanKey: row.scan_key }, previous.vulns.subject);
      if (!toMatch) {
        const reason = 'the stored pass of this version is gone: it can be evaluated again only by a new scan';
        await ctx.finish((tx) => skip(tx, id, reason, now));
        return;
      }
      const inputs = scanInputsOf(row.inputs);
      const version = {
        submission: id,
        image: row.image,
        repository: row.repository,
        digest: row.digest,
        organisation: row.organisation,
      };
      const decided = (await services.vex?.statementsFor({ ...version, diffIds: previous.diffIds }, now)) ?? [];
      const match = await matcherOnce();
      const matched = await match(toMatch.sbom, {
        vex: [...inputs.vex, ...decided],
        notes: (row.inputs.vex ?? []).map((f) => `VEX document read: ${f.name}`),
        sla,
        now,
      });
      if (!('report' in matched)) {
        await ctx.finish((tx) => skip(tx, id, matched.unavailable, now));
        return;
      }
      const { unavailable: _, ...kept } = previous;
      const result: StoredScanResult = { ...kept, vulns: matched.report, matched: true };
      await ctx.finish(async (tx) => {
        await lockUnchanged(tx, id, status);
        if (toMatch.backfill) await recordMatchingInput(tx, id, toMatch.backfill);
        const recorded = await recordFindings(tx, id, result, policy, {
          reevaluation: true,
          previous: { result: previous, checksDigest: row.checks_digest },
        });
        const move = livingStatus(status, recorded.overdue, now, suspendAfterMs);
        if (move) {
          await transition(tx, {
            id,
            to: move.to,
            actor: system,
            now,
            reason: move.reason,
            from: [status],
            detail: { overdue: recorded.overdue.map((o) => o.finding.id) },
          });
        }
        const after = move?.to ?? status;
        if (!isPublic(after)) return;
        const end = after === 'at-risk' ? graceEnd(recorded.overdue, suspendAfterMs) : undefined;
        if (end) await reevaluateBy(tx, id, end);
        // a verdict names the policy its checks were judged by: after a policy change only a new scan can say
        if (!services.signing || row.policy_digest !== policy.digest) return;
        const subject = {
          ...version,
          result: recorded.result,
          reports: recorded.reports,
          manualChecks: row.manual_checks ?? [],
        };
        await issueVerdict(
          tx,
          services.signing,
          policy,
          subject,
          system,
          now,
          after === 'admitted' ? 'PASSED' : 'FAILED',
        );
      });
    },
  };
}
