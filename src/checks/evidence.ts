import { z } from 'zod';

/**
 * What a check saw, in a form an auditor can follow back to the image, the Dockerfile or the manifest.
 * Secret evidence names the place and a masked fingerprint, never the value.
 */
export const Evidence = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    path: z.string(),
    layer: z.number().int().nonnegative().optional(),
    /** Shipped in a layer but removed by a later one: still in the image. */
    hidden: z.boolean().optional(),
    message: z.string().optional(),
  }),
  z.object({
    kind: z.literal('config'),
    field: z.string(),
    value: z.string().optional(),
    message: z.string().optional(),
  }),
  z.object({
    kind: z.literal('package'),
    purl: z.string(),
    name: z.string().optional(),
    message: z.string().optional(),
  }),
  z.object({
    kind: z.literal('attestation'),
    digest: z.string(),
    predicateType: z.string(),
    message: z.string().optional(),
  }),
  z.object({
    kind: z.literal('dockerfile'),
    path: z.string(),
    line: z.number().int().positive(),
    instruction: z.string(),
    /** Stage index (0 = first FROM). */
    stage: z.number().int().nonnegative().optional(),
    message: z.string().optional(),
  }),
  z.object({
    kind: z.literal('manifest'),
    path: z.string(),
    object: z.string(),
    container: z.string().optional(),
    field: z.string(),
    value: z.string().optional(),
    message: z.string().optional(),
  }),
  z.object({
    kind: z.literal('secret'),
    rule: z.string(),
    location: z.enum(['file', 'env', 'label', 'history']),
    path: z.string().optional(),
    layer: z.number().int().nonnegative().optional(),
    line: z.number().int().positive().optional(),
    fingerprint: z.string(),
    message: z.string().optional(),
  }),
  z.object({
    kind: z.literal('vulnerability'),
    id: z.string(),
    purl: z.string(),
    severity: z.string(),
    message: z.string().optional(),
  }),
  z.object({ kind: z.literal('note'), message: z.string() }),
]);
export type Evidence = z.infer<typeof Evidence>;

/** A short human line for one piece of evidence: the same text in every report format. */
export function describeEvidence(e: Evidence): string {
  const tail = 'message' in e && e.message ? `: ${e.message}` : '';
  switch (e.kind) {
    case 'file':
      return `${e.path}${e.layer === undefined ? '' : ` (layer ${e.layer}${e.hidden ? ', removed later' : ''})`}${tail}`;
    case 'config':
      return `config ${e.field}${e.value === undefined ? '' : ` = ${e.value}`}${tail}`;
    case 'package':
      return `${e.purl}${tail}`;
    case 'attestation':
      return `attestation ${e.predicateType} ${e.digest}${tail}`;
    case 'dockerfile':
      return `${e.path}:${e.line} ${e.instruction}${tail}`;
    case 'manifest':
      return `${e.path} ${e.object}${e.container ? ` container ${e.container}` : ''} ${e.field}${e.value === undefined ? '' : ` = ${e.value}`}${tail}`;
    case 'secret': {
      const where =
        e.location === 'file'
          ? `${e.path ?? '?'}${e.line ? `:${e.line}` : ''}${e.layer === undefined ? '' : ` (layer ${e.layer})`}`
          : `${e.location}${e.path ? ` ${e.path}` : ''}${e.layer === undefined ? '' : ` (layer ${e.layer})`}`;
      return `${e.rule} in ${where} [${e.fingerprint}]${tail}`;
    }
    case 'vulnerability':
      return `${e.id} ${e.severity} in ${e.purl}${tail}`;
    case 'note':
      return e.message;
  }
}
