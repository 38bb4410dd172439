import { z } from 'zod';
import { parseEnvelope, planSignedAttestation, pushPlan, resolveImage } from '../../attest/index.ts';
import { describe, isSgciError } from '../../core/index.ts';
import type { JobDefinition } from '../jobs/worker.ts';
import type { CatalogueServices } from '../services.ts';
import { pushVerdictJobKind, splitRepository } from './issue.ts';

/**
 * `sgci.push-verdict`: pushes a stored verdict beside its image as a cosign attestation (the `.att` tag), with the
 * organisation's registry credentials. A registry that refuses is recorded on the verdict; unreachable ones retry.
 */
export function pushVerdictJob(services: CatalogueServices): JobDefinition<{ verdict: string }> {
  const { catalogue, images } = services;
  return {
    kind: pushVerdictJobKind,
    payload: z.object({ verdict: z.string() }).strict(),
    async run({ verdict }, ctx) {
      const row = await catalogue.db
        .selectFrom('verdicts')
        .innerJoin('submissions', 'submissions.id', 'verdicts.submission')
        .innerJoin('images', 'images.name', 'submissions.image')
        .select(['verdicts.envelope', 'verdicts.digest', 'images.repository', 'submissions.organisation'])
        .where('verdicts.id', '=', verdict)
        .executeTakeFirst();
      if (!row) return;
      let error: string | null = null;
      try {
        await using registry = await images.registry(row.organisation);
        const ref = { ...splitRepository(row.repository), digest: row.digest as never };
        const resolved = await resolveImage(registry, ref);
        const plan = await planSignedAttestation(
          registry,
          resolved,
          parseEnvelope(Buffer.from(row.envelope, 'utf8'), `verdict ${verdict}`),
        );
        await pushPlan(registry, plan);
      } catch (e) {
        const transient = isSgciError(e) && ['REGISTRY_UNREACHABLE', 'REGISTRY_ERROR'].includes(e.code);
        if (transient && ctx.job.attempt < ctx.job.maxAttempts) throw e;
        error = describe(e);
      }
      await ctx.finish(async (tx) => {
        await tx
          .updateTable('verdicts')
          .set(error ? { push_error: error } : { pushed_at: catalogue.now(), push_error: null })
          .where('id', '=', verdict)
          .execute();
      });
    },
  };
}
