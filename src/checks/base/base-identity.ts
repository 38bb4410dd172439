import { predicateTypes, sgciPackagesBuildType } from '../../attest/media-types/index.ts';
import type { CheckContext, CheckResult } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { metadata } from '../facts/labels.ts';
import { finalStage, stageChain } from '../inputs/dockerfile.ts';

export interface BaseIdentity {
  readonly name?: string;
  readonly digest?: string;
  readonly evidence: LocalizedEvidence[];
}

/**
 * What the image was built on: the OCI base annotations (`org.opencontainers.image.base.name`/`.digest`) and/or
 * the root FROM of the Dockerfile's final stage. Nothing is inferred from the distribution.
 */
export function baseIdentity(ctx: CheckContext): BaseIdentity {
  const evidence: LocalizedEvidence[] = [];
  let name: string | undefined;
  let digest: string | undefined;
  if (ctx.image) {
    const meta = metadata(ctx.image);
    const annotatedName = meta['org.opencontainers.image.base.name'];
    const annotatedDigest = meta['org.opencontainers.image.base.digest'];
    if (annotatedName) {
      name = annotatedName;
      evidence.push({ kind: 'config', field: 'org.opencontainers.image.base.name', value: annotatedName });
    }
    if (annotatedDigest) {
      digest = annotatedDigest;
      evidence.push({ kind: 'config', field: 'org.opencontainers.image.base.digest', value: annotatedDigest });
    }
  }
  if (ctx.dockerfile) {
    const last = finalStage(ctx.dockerfile);
    const root = last ? stageChain(ctx.dockerfile, last).at(-1) : undefined;
    if (root) {
      evidence.push({
        kind: 'dockerfile',
        path: ctx.dockerfile.path,
        line: root.from.line,
        instruction: `FROM ${root.from.image}`,
        stage: root.index,
      });
      if (!name && !root.from.unresolved) name = root.from.image;
      if (!digest && root.from.digest) digest = root.from.digest;
    }
  }
  return { ...(name ? { name } : {}), ...(digest ? { digest } : {}), evidence };
}

/**
 * An image with no base at all: no base annotation, no Dockerfile FROM, and a verified SLSA provenance for this
 * digest saying it was built by `sgci build` from packages, where every layer is made from verified packages and
 * files pinned by sha256. The spec excepts `scratch` from base pinning (SGCI-BASE-003); such an image is the
 * scratch case, so the base checks do not apply. Only a verified provenance says so: an unsigned claim does not.
 */
export function withoutBaseImage(ctx: CheckContext): CheckResult | undefined {
  const base = baseIdentity(ctx);
  if (base.name || base.digest || ctx.dockerfile) return undefined;
  const provenance = (ctx.attestations?.attestations ?? []).find(
    (a) =>
      a.verified &&
      a.predicateType === predicateTypes.slsaprovenance1 &&
      (a.predicate as { buildDefinition?: { buildType?: unknown } } | undefined)?.buildDefinition?.buildType ===
        sgciPackagesBuildType,
  );
  if (!provenance) return undefined;
  return {
    status: 'not-applicable',
    reason: 'no base image: the verified provenance says every layer was built from verified packages and pinned files',
    reasonDe:
      'kein Base-Image: laut verifizierter Provenienz ist jeder Layer aus verifizierten Paketen und festgelegten Dateien gebaut',
    evidence: [{ kind: 'attestation', digest: provenance.digest, predicateType: provenance.predicateType }],
  };
}
