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
    /** The same in German (reports in German show it). */
    messageDe: z.string().optional(),
  }),
  z.object({
    kind: z.literal('config'),
    field: z.string(),
    value: z.string().optional(),
    message: z.string().optional(),
    /** The same in German (reports in German show it). */
    messageDe: z.string().optional(),
  }),
  z.object({
    kind: z.literal('package'),
    purl: z.string(),
    name: z.string().optional(),
    message: z.string().optional(),
    /** The same in German (reports in German show it). */
    messageDe: z.string().optional(),
  }),
  z.object({
    kind: z.literal('attestation'),
    digest: z.string(),
    predicateType: z.string(),
    message: z.string().optional(),
    /** The same in German (reports in German show it). */
    messageDe: z.string().optional(),
  }),
  z.object({
    kind: z.literal('dockerfile'),
    path: z.string(),
    line: z.number().int().positive(),
    instruction: z.string(),
    /** Stage index (0 = first FROM). */
    stage: z.number().int().nonnegative().optional(),
    message: z.string().optional(),
    /** The same in German (reports in German show it). */
    messageDe: z.string().optional(),
  }),
  z.object({
    kind: z.literal('manifest'),
    path: z.string(),
    object: z.string(),
    container: z.string().optional(),
    field: z.string(),
    value: z.string().optional(),
    message: z.string().optional(),
    /** The same in German (reports in German show it). */
    messageDe: z.string().optional(),
  }),
  z.object({
    kind: z.literal('secret'),
    rule: z.string(),
    location: z.enum(['file', 'env', 'label', 'history']),
    path: z.string().optional(),
    layer: z.number().int().nonnegative().optional(),
    line: z.number().int().positive().optional(),
    fingerprint: z.string(),
    /** The published package the file ships in (schema 1.1.0): the secret is its author's, not the image's. */
    package: z.object({ name: z.string(), version: z.string(), purl: z.string() }).optional(),
    message: z.string().optional(),
    /** The same in German (reports in German show it). */
    messageDe: z.string().optional(),
  }),
  z.object({
    kind: z.literal('vulnerability'),
    id: z.string(),
    purl: z.string(),
    severity: z.string(),
    message: z.string().optional(),
    /** The same in German (reports in German show it). */
    messageDe: z.string().optional(),
  }),
  z.object({ kind: z.literal('note'), message: z.string(), messageDe: z.string().optional() }),
]);
export type Evidence = z.infer<typeof Evidence>;

/** A text in both report languages (evidence messages, reasons, remediations built from parts). */
export interface Text {
  readonly en: string;
  readonly de: string;
}

/**
 * Evidence as checks write it: a message always comes with its German text, so a German report never falls
 * back to English. (The report schema keeps `messageDe` optional for evidence made elsewhere.)
 */
export type LocalizedEvidence = Evidence extends infer E
  ? E extends { message: string }
    ? Omit<E, 'messageDe'> & { readonly messageDe: string }
    : E extends { message?: string }
      ?
          | (Omit<E, 'message' | 'messageDe'> & { readonly message?: undefined; readonly messageDe?: undefined })
          | (Omit<E, 'message' | 'messageDe'> & { readonly message: string; readonly messageDe: string })
      : E
  : never;

const words = {
  en: { layer: 'layer', removed: 'removed later', config: 'config', attestation: 'attestation', in: 'in' },
  de: { layer: 'Schicht', removed: 'später entfernt', config: 'Konfiguration', attestation: 'Attestierung', in: 'in' },
} as const;

/** A short human line for one piece of evidence: the same text in every report format of one language. */
export function describeEvidence(e: Evidence, lang: 'de' | 'en' = 'en'): string {
  const w = words[lang];
  const message =
    lang === 'de' && 'messageDe' in e && e.messageDe ? e.messageDe : 'message' in e ? e.message : undefined;
  const tail = message ? `: ${message}` : '';
  const layer = (n: number | undefined, hidden?: boolean) =>
    n === undefined ? '' : ` (${w.layer} ${n}${hidden ? `, ${w.removed}` : ''})`;
  switch (e.kind) {
    case 'file':
      return `${e.path}${layer(e.layer, e.hidden)}${tail}`;
    case 'config':
      return `${w.config} ${e.field}${e.value === undefined ? '' : ` = ${e.value}`}${tail}`;
    case 'package':
      return `${e.purl}${tail}`;
    case 'attestation':
      return `${w.attestation} ${e.predicateType} ${e.digest}${tail}`;
    case 'dockerfile':
      return `${e.path}:${e.line} ${e.instruction}${tail}`;
    case 'manifest':
      return `${e.path} ${e.object}${e.container ? ` container ${e.container}` : ''} ${e.field}${e.value === undefined ? '' : ` = ${e.value}`}${tail}`;
    case 'secret': {
      const where =
        e.location === 'file'
          ? `${e.path ?? '?'}${e.line ? `:${e.line}` : ''}${layer(e.layer)}`
          : `${e.location}${e.path ? ` ${e.path}` : ''}${layer(e.layer)}`;
      return `${e.rule} ${w.in} ${where} [${e.fingerprint}]${tail}`;
    }
    case 'vulnerability':
      return `${e.id} ${e.severity} ${w.in} ${e.purl}${tail}`;
    case 'note':
      return message ?? e.message;
  }
}
