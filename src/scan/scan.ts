import { catalogerNeeds, catalogFilesystem } from '../catalog/index.ts';
import {
  type AttestationInput,
  type CheckContext,
  type CheckRun,
  checkNeeds,
  createDigestSink,
  type DockerfileInput,
  type ManifestsInput,
  runChecks,
  type VulnInput,
} from '../checks/index.ts';
import type { Limits } from '../core/index.ts';
import { mergeNeeds } from '../oci/fs/index.ts';
import type { Image } from '../oci/types.ts';
import type { Policy } from '../policy/index.ts';
import { buildReport, type ScanReport } from '../report/index.ts';
import type { Sbom } from '../sbom/index.ts';
import {
  compareFindings,
  createSecretScanner,
  markHidden,
  type SecretFinding,
  scanImageConfig,
} from '../secrets/index.ts';
import type { VulnReport } from '../vuln/types.ts';
import { checkImageOf } from './image-facts.ts';

/** Matching against the advisory store, or why it cannot run (empty database, no store). */
/** Matches an SBOM, or says in English and German why it cannot (no database, an empty one). */
export type VulnMatcher = (
  sbom: Sbom,
) => Promise<{ report: VulnReport } | { unavailable: string; unavailableDe: string }>;

export interface ScanOptions {
  readonly policy: Policy;
  readonly toolVersion: string;
  readonly now: Date;
  readonly dockerfile?: DockerfileInput;
  readonly manifests?: ManifestsInput;
  /** Absent: the VULN checks say that matching did not run. */
  readonly matchVulnerabilities?: VulnMatcher;
  /** Absent until the signing area's verifier runs: attestation checks report `manual`. */
  readonly attestations?: AttestationInput;
  readonly limits?: Limits;
  readonly signal?: AbortSignal;
}

export interface ScanResult {
  readonly sbom: Sbom;
  readonly vulns?: VulnReport;
  readonly vulnNote?: string;
  readonly secrets: readonly SecretFinding[];
  readonly run: CheckRun;
  readonly report: ScanReport;
}

/**
 * The whole job: one pass over the layers with the merged needs of catalogers, checks and the secret scanner,
 * then SBOM -> vulnerabilities -> checks -> report. Nothing is read twice.
 */
export async function scanImage(image: Image, options: ScanOptions): Promise<ScanResult> {
  const facts = checkImageOf(image);
  const catalog = catalogerNeeds();
  const secretScanner = createSecretScanner();
  await using digests = createDigestSink();
  const needs = mergeNeeds(catalog, checkNeeds(facts), { visitors: [secretScanner.visitor], sinks: [digests.sink] });
  const fs = await image.filesystem(needs);
  const sbom = await catalogFilesystem(image, fs, catalog, {
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const secrets = markHidden([...secretScanner.findings(), ...scanImageConfig(image.config)], fs).sort(compareFindings);

  let vulns: VulnReport | undefined;
  let vulnInput: VulnInput;
  if (!options.matchVulnerabilities) {
    vulnInput = {
      available: false,
      reason: 'vulnerability matching is not available in this run',
      reasonDe: 'ein Abgleich mit Schwachstellendaten ist in diesem Lauf nicht verfügbar',
    };
  } else {
    const matched = await options.matchVulnerabilities(sbom);
    if ('report' in matched) {
      vulns = matched.report;
      vulnInput = { available: true, findings: matched.report.matches, advisories: matched.report.database.advisories };
    } else vulnInput = { available: false, reason: matched.unavailable, reasonDe: matched.unavailableDe };
  }

  const ctx: CheckContext = {
    image: facts,
    fs,
    sbom,
    secrets,
    vulns: vulnInput,
    fileDigests: await digests.result(),
    policy: options.policy,
    now: options.now,
    ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}),
    ...(options.manifests ? { manifests: options.manifests } : {}),
    ...(options.attestations ? { attestations: options.attestations } : {}),
  };
  const run = await runChecks(ctx);
  const report = buildReport(run, {
    toolVersion: options.toolVersion,
    now: options.now,
    image: {
      reference: facts.reference,
      ...(facts.digest ? { digest: facts.digest } : {}),
      ...(facts.platform ? { platform: facts.platform } : {}),
      ...(image.config.created ? { created: image.config.created } : {}),
    },
    ...(options.dockerfile ? { dockerfile: options.dockerfile.path } : {}),
    ...(options.manifests ? { manifests: options.manifests.source } : {}),
    sbomPackages: sbom.packages.length,
    vulnerabilities: vulnInput.available
      ? { available: true, findings: vulnInput.findings.length }
      : { available: false, note: vulnInput.reason, noteDe: vulnInput.reasonDe },
    secretsScanned: true,
    attestations: options.attestations
      ? { verified: true, ...(options.attestations.error ? { note: options.attestations.error } : {}) }
      : { verified: false, note: 'signatures and attestations were not verified in this run' },
    policy: { name: options.policy.name, digest: options.policy.digest },
  });
  return {
    sbom,
    ...(vulns ? { vulns } : {}),
    ...(vulnInput.available ? {} : { vulnNote: vulnInput.reason }),
    secrets,
    run,
    report,
  };
}
