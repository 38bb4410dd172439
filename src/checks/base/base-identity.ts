import type { CheckContext } from '../check.ts';
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
