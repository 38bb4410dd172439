import { z } from 'zod';
import { describe, type ErrorCode, isSgciError } from '../../core/index.ts';
import { describeImage } from '../../oci/image/index.ts';
import { runScan, type ScanRequest, scanCacheKey, storeMatcher, storeScanCache } from '../../scan/index.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import { recordFindings } from '../rematch/findings.ts';
import type { CatalogueServices } from '../services.ts';
import { scanInputsOf } from './inputs.ts';
import { diffIdsOf, type StoredScanResult, storedResultOf } from './result.ts';
import { type SubmissionStatus, transition } from './states.ts';
import { scanJobKind } from './submit.ts';

/** Failures that may pass on their own (a registry or database away): the job is retried, the state kept. */
const transient: readonly ErrorCode[] = ['REGISTRY_UNREACHABLE', 'REGISTRY_ERROR', 'DATABASE_ERROR', 'IO_ERROR'];

const system = { kind: 'system' } as const;

/**
 * `sgci.scan`: pulls the submitted digest and runs the one pipeline (SBOM, vulnerabilities with the submitted VEX,
 * every check against the catalogue's policy, signatures with the organisation's keys), then stores the result
 * and moves the submission to `checks-failed` (a required check failed, or the image cannot be read) or
 * `awaiting-review`, in the transaction that completes the job.
 */
export function scanJob(services: CatalogueServices): JobDefinition<{ submission: string }> {
  const { catalogue, images, policy } = services;
  return {
    kind: scanJobKind,
    payload: z.object({ submission: z.string() }).strict(),
    leaseMs: 10 * 60_000,
    async run({ submission: id }, ctx) {
      const row = await catalogue.db
        .selectFrom('submissions')
        .innerJoin('images', 'images.name', 'submissions.image')
        .select([
          'submissions.status',
          'submissions.digest',
          'submissions.organisation',
          'submissions.inputs',
          'submissions.image',
          'images.repository',
        ])
        .where('submissions.id', '=', id)
        .executeTakeFirst();
      const status = row?.status as SubmissionStatus | undefined;
      // withdrawn (or gone) while queued: nothing to do
      if (!row || (status !== 'submitted' && status !== 'scanning')) return;
      if (status === 'submitted') {
        await catalogue.transaction((tx) =>
          transition(tx, { id, to: 'scanning', actor: system, now: catalogue.now(), from: ['submitted'] }),
        );
      }
      let result: StoredScanResult;
      let scanKey: string | undefined;
      try {
        const inputs = scanInputsOf(row.inputs);
        const now = catalogue.now();
        await using image = await images.open(`${row.repository}@${row.digest}`, row.organisation, ctx.signal);
        const scope = {
          submission: id,
          image: row.image,
          repository: row.repository,
          digest: row.digest,
          organisation: row.organisation,
          diffIds: diffIdsOf(describeImage(image)),
        };
        // the contributor's documents and the catalogue's decisions in force (inherited ones by the layers)
        const decided = (await services.vex?.statementsFor(scope, now)) ?? [];
        const request: ScanRequest = {
          subject: { image },
          needs: { vulns: true, checks: true },
          policy,
          vex: [...inputs.vex, ...decided],
          notes: (row.inputs.vex ?? []).map((f) => `VEX document read: ${f.name}`),
          now,
          ...(inputs.dockerfile ? { dockerfile: inputs.dockerfile } : {}),
          ...(inputs.manifests ? { manifests: inputs.manifests } : {}),
          signal: ctx.signal,
        };
        const verify = images.verifyAttestations;
        const outcome = await runScan(request, {
          matcher: storeMatcher(services.advisories ?? catalogue.store),
          cache: storeScanCache(catalogue.store),
          ...(verify ? { verifyAttestations: (described) => verify.call(images, described, row.organisation) } : {}),
        });
        if (outcome.image) scanKey = scanCacheKey(outcome.image, policy, request);
        result = storedResultOf(outcome);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        const retry = isSgciError(error) && transient.includes(error.code) && ctx.job.attempt < ctx.job.maxAttempts;
        if (retry || !isSgciError(error)) throw error;
        const reason = `the image could not be scanned: ${describe(error)}`;
        await ctx.finish((tx) =>
          transition(tx, {
            id,
            to: 'checks-failed',
            actor: system,
            now: catalogue.now(),
            reason,
            from: ['scanning'],
          }).then(() => undefined),
        );
        return;
      }
      const failed = result.checks.gate.failed;
      const reason = failed
        ? `required checks failed: ${result.checks.results
            .filter((c) => c.result === 'fail')
            .map((c) => c.id)
            .join(', ')}`
        : undefined;
      await ctx.finish(async (tx) => {
        await recordFindings(tx, id, result, policy);
        await transition(tx, {
          id,
          to: failed ? 'checks-failed' : 'awaiting-review',
          actor: system,
          now: catalogue.now(),
          from: ['scanning'],
          ...(reason ? { reason } : {}),
          set: { scan_key: scanKey ?? null, policy_digest: policy.digest },
          detail: { policy: policy.digest, vulnerabilities: result.vulns.summary.active },
        });
      });
    },
  };
}
