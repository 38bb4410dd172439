import type { CheckRun, Section } from '../checks/index.ts';
import { sections } from '../checks/index.ts';
import type { ImageDescription } from '../oci/image/index.ts';
import type { CheckReport, Counts, ScanReport } from './model.ts';
import { reportSchemaVersion } from './schema-version.ts';

export interface ReportInputs {
  readonly toolVersion: string;
  readonly now: Date;
  readonly image: ImageDescription;
  readonly dockerfile?: string;
  readonly manifests?: string;
  readonly sbomPackages?: number;
  readonly vulnerabilities: { available: boolean; findings?: number; note?: string; noteDe?: string };
  readonly secretsScanned: boolean;
  readonly attestations: { verified: boolean; note?: string };
  readonly policy: { name: string; digest: string };
}

function emptyCounts(): Counts {
  return { pass: 0, fail: 0, warn: 0, 'not-applicable': 0, manual: 0 };
}

/** Turns a check run into the JSON report (the source of truth every renderer reads). */
export function buildReport(run: CheckRun, inputs: ReportInputs): ScanReport {
  const results: CheckReport[] = run.outcomes.map((o) => ({
    id: o.check.id,
    section: o.check.section,
    title: { en: o.check.title.en, de: o.check.title.de },
    level: o.check.level,
    automation: [...o.check.automation],
    references: o.check.references.map((r) => ({ standard: r.standard, item: r.item })),
    result: o.result.status,
    checkResult: o.checkStatus,
    action: o.action,
    evidence: [...(o.result.evidence ?? [])],
    remediation: o.result.status === 'fail' || o.result.status === 'warn' ? o.result.remediation : null,
    remediationDe:
      o.result.status === 'fail' || o.result.status === 'warn'
        ? (o.result.remediationDe ?? (o.result.remediation === o.check.remediation ? o.check.remediationDe : null))
        : null,
    reason: o.result.status === 'not-applicable' || o.result.status === 'manual' ? o.result.reason : null,
    reasonDe: o.result.status === 'not-applicable' || o.result.status === 'manual' ? o.result.reasonDe : null,
    exception: o.exception ? { ...o.exception } : null,
  }));
  const byResult = emptyCounts();
  const bySection = Object.fromEntries(sections.map((s) => [s, emptyCounts()])) as Record<
    Section,
    ReturnType<typeof emptyCounts>
  >;
  let waived = 0;
  for (const r of results) {
    byResult[r.result]++;
    bySection[r.section][r.result]++;
    if (r.result === 'fail' && r.exception?.status === 'applied') waived++;
  }
  return {
    schemaVersion: reportSchemaVersion,
    tool: { name: 'sgci', version: inputs.toolVersion },
    generatedAt: inputs.now.toISOString(),
    image: {
      reference: inputs.image.reference,
      digest: inputs.image.digest ?? null,
      platform: inputs.image.platform || null,
      created: inputs.image.created ?? null,
    },
    inputs: {
      dockerfile: inputs.dockerfile ?? null,
      manifests: inputs.manifests ?? null,
      sbom: inputs.sbomPackages === undefined ? null : { packages: inputs.sbomPackages },
      vulnerabilities: {
        available: inputs.vulnerabilities.available,
        findings: inputs.vulnerabilities.findings ?? null,
        note: inputs.vulnerabilities.note ?? null,
        noteDe: inputs.vulnerabilities.noteDe ?? null,
      },
      secretsScanned: inputs.secretsScanned,
      attestations: { verified: inputs.attestations.verified, note: inputs.attestations.note ?? null },
    },
    policy: { name: inputs.policy.name, digest: inputs.policy.digest, disabled: [...run.disabled] },
    gate: { failed: run.gateFailed },
    results,
    summary: { total: results.length, byResult, bySection, waived },
  };
}
