/**
 * What a check saw, in a form an auditor can follow back to the image, the Dockerfile or the manifest.
 * Secret evidence names the place and a masked fingerprint, never the value. The report's zod schema of it
 * (`report/model.ts`, the published JSON Schema) is held to this type by `report/report.test.ts`; the checks
 * themselves load no zod (issue 17).
 */
export type Evidence =
  | {
      kind: 'file';
      path: string;
      layer?: number | undefined;
      /** Shipped in a layer but removed by a later one: still in the image. */
      hidden?: boolean | undefined;
      message?: string | undefined;
      /** The same in German (reports in German show it). */
      messageDe?: string | undefined;
    }
  | {
      kind: 'config';
      field: string;
      value?: string | undefined;
      message?: string | undefined;
      messageDe?: string | undefined;
    }
  | {
      kind: 'package';
      purl: string;
      name?: string | undefined;
      message?: string | undefined;
      messageDe?: string | undefined;
    }
  | {
      kind: 'attestation';
      digest: string;
      predicateType: string;
      message?: string | undefined;
      messageDe?: string | undefined;
    }
  | {
      kind: 'dockerfile';
      path: string;
      line: number;
      instruction: string;
      /** Stage index (0 = first FROM). */
      stage?: number | undefined;
      message?: string | undefined;
      messageDe?: string | undefined;
    }
  | {
      kind: 'manifest';
      path: string;
      object: string;
      container?: string | undefined;
      field: string;
      value?: string | undefined;
      message?: string | undefined;
      messageDe?: string | undefined;
    }
  | {
      kind: 'secret';
      rule: string;
      location: 'file' | 'env' | 'label' | 'history';
      path?: string | undefined;
      layer?: number | undefined;
      line?: number | undefined;
      fingerprint: string;
      /** The published package the file ships in (schema 1.1.0): the secret is its author's, not the image's. */
      package?: { name: string; version: string; purl: string } | undefined;
      message?: string | undefined;
      messageDe?: string | undefined;
    }
  | {
      kind: 'vulnerability';
      id: string;
      purl: string;
      severity: string;
      message?: string | undefined;
      messageDe?: string | undefined;
    }
  | { kind: 'note'; message: string; messageDe?: string | undefined };

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
