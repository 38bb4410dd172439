import { z } from 'zod';
import { reportSchemaVersion } from './schema-version.ts';

/**
 * The report's zod model: the source of the published JSON Schema (`reportJsonSchema`) and of the report's types.
 * Nothing that renders a report parses with it, so a scan loads no zod (issue 17): the renderers import its types
 * only, and `json.ts` loads it for the schema. Evidence as `checks/evidence.ts` types it (held together by
 * `report.test.ts`).
 */
const Evidence = z.discriminatedUnion('kind', [
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

const Status = z.enum(['pass', 'fail', 'warn', 'not-applicable', 'manual']);
const SectionName = z.enum(['BASE', 'BUILD', 'COMP', 'SEC', 'RUN', 'VULN']);
const Counts = z.object({
  pass: z.number().int(),
  fail: z.number().int(),
  warn: z.number().int(),
  'not-applicable': z.number().int(),
  manual: z.number().int(),
});
export type Counts = z.infer<typeof Counts>;

export const CheckReport = z.object({
  id: z.string().regex(/^SGCI-(BASE|BUILD|COMP|SEC|RUN|VULN)-\d{3}$/),
  section: SectionName,
  title: z.object({ en: z.string(), de: z.string() }),
  level: z.enum(['MUST', 'SHOULD']),
  automation: z.array(z.enum(['image', 'dockerfile', 'manifest', 'attestation', 'history', 'manual'])),
  references: z.array(z.object({ standard: z.string(), item: z.string() })),
  /** The result after the policy (a `fail` of a check set to `warn` reads `warn`). */
  result: Status,
  /** The check's own result before the policy. */
  checkResult: Status,
  /** What the policy does with a failure: fail the gate or only warn. */
  action: z.enum(['fail', 'warn']),
  evidence: z.array(Evidence),
  /** One line, for fail/warn; null otherwise. */
  remediation: z.string().nullable(),
  /** The German remediation when the result carries the check's default one; null otherwise. */
  remediationDe: z.string().nullable(),
  /** Why the check could not decide (not-applicable/manual); null otherwise. */
  reason: z.string().nullable(),
  /** The same in German (schema 1.1.0); null where there is no reason. */
  reasonDe: z.string().nullable(),
  exception: z
    .object({
      status: z.enum(['applied', 'expired']),
      justification: z.string(),
      approver: z.string(),
      expires: z.string(),
    })
    .nullable(),
});
export type CheckReport = z.infer<typeof CheckReport>;

/** The JSON report: the source every other format renders. Deterministic for the same inputs and clock. */
export const ScanReport = z.object({
  schemaVersion: z.literal(reportSchemaVersion),
  tool: z.object({ name: z.literal('sgci'), version: z.string() }),
  /** When the checks were evaluated (`--now` when given, for reproducible reports). */
  generatedAt: z.string(),
  image: z.object({
    reference: z.string(),
    digest: z.string().nullable(),
    platform: z.string().nullable(),
    created: z.string().nullable(),
  }),
  inputs: z.object({
    dockerfile: z.string().nullable(),
    manifests: z.string().nullable(),
    sbom: z.object({ packages: z.number().int() }).nullable(),
    vulnerabilities: z.object({
      available: z.boolean(),
      findings: z.number().int().nullable(),
      note: z.string().nullable(),
      /** The note in German (schema 1.1.0). */
      noteDe: z.string().nullable(),
    }),
    secretsScanned: z.boolean(),
    attestations: z.object({ verified: z.boolean(), note: z.string().nullable() }),
  }),
  policy: z.object({ name: z.string(), digest: z.string(), disabled: z.array(z.string()) }),
  gate: z.object({ failed: z.boolean() }),
  results: z.array(CheckReport),
  summary: z.object({
    total: z.number().int(),
    byResult: Counts,
    bySection: z.record(SectionName, Counts),
    /** Failures an applied policy exception waives. */
    waived: z.number().int(),
  }),
});
export type ScanReport = z.infer<typeof ScanReport>;
