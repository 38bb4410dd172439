import type { Sbom } from '../catalog/index.ts';
import type { AttestationInput, CheckRun, DockerfileInput, ManifestsInput } from '../checks/index.ts';
import type { Limits, Unknown } from '../core/index.ts';
import type { ImageDescription } from '../oci/image/index.ts';
import type { Image } from '../oci/index.ts';
import type { Policy, SlaPolicy } from '../policy/index.ts';
import type { ScanReport } from '../report/index.ts';
import type { SecretFinding } from '../secrets/index.ts';
import type { VexStatement, VulnReport } from '../vuln/index.ts';
import type { ScanCache } from './cache.ts';

/** What a scan is asked to produce: the SBOM always; vulnerabilities and checks (with secrets) on request. */
export interface ScanNeeds {
  readonly vulns: boolean;
  readonly checks: boolean;
}

/** Where the scan starts: an image already opened (the caller disposes it), a reference to open, or an SBOM. */
export type ScanSubject =
  | { readonly image: Image }
  | { readonly reference: string }
  | { readonly sbom: Sbom; readonly input: string };

/** One scan, as the CLI commands, the server's jobs and the monitor ask for it. */
export interface ScanRequest {
  readonly subject: ScanSubject;
  readonly needs: ScanNeeds;
  /** The effective policy: checks, exceptions, and the SLA windows (with `--sla` overrides applied). */
  readonly policy: Policy;
  /** VEX statements of the request's documents; the store's statements are added by the matcher. */
  readonly vex?: readonly VexStatement[];
  /** Notes carried into the vulnerability report (which VEX documents were read). */
  readonly notes?: readonly string[];
  /** The evaluation clock: ages, SLA deadlines and exception expiry. */
  readonly now: Date;
  readonly dockerfile?: DockerfileInput;
  readonly manifests?: ManifestsInput;
  readonly limits?: Limits;
  readonly signal?: AbortSignal;
}

/** What a matcher is given besides the SBOM. */
export interface MatchRequest {
  readonly vex: readonly VexStatement[];
  readonly notes: readonly string[];
  readonly sla: SlaPolicy;
  readonly now: Date;
}

/** Matching against the advisory data, or why it cannot run (no database, an empty one), in English and German. */
export type VulnMatcher = (
  sbom: Sbom,
  request: MatchRequest,
) => Promise<{ report: VulnReport } | { unavailable: string; unavailableDe: string }>;

/** The parts a scan runs with, chosen by the entry point (CLI flags, server configuration). */
export interface ScanDeps {
  /** Opens a reference (`{reference}` subjects): registry flags, credentials, allow-lists. */
  readonly openImage?: (reference: string) => Promise<Image>;
  /** Absent: the report says vulnerabilities were not matched, and the VULN checks say why. */
  readonly matcher?: VulnMatcher;
  /** Signatures and attestations of the image, verified with the policy's keys; absent or undefined: not verified. */
  readonly verifyAttestations?: (image: ImageDescription) => Promise<AttestationInput | undefined>;
  /** Results of earlier scans by content: a hit reads no layer. */
  readonly cache?: ScanCache;
}

/** Vulnerability results: the report (with notes when matching could not run) and whether matching ran. */
export interface VulnOutcome {
  readonly report: VulnReport;
  readonly matched: boolean;
  /** Why matching did not run, in English and German; absent when it ran. */
  readonly unavailable?: { readonly en: string; readonly de: string };
}

/** The checks' results: the run (with each check) and the JSON report every check format renders. */
export interface ChecksOutcome {
  readonly run: CheckRun;
  readonly report: ScanReport;
}

/** Milliseconds per stage of one scan. */
export interface ScanTimings {
  readonly open: number;
  readonly pass: number;
  readonly match: number;
  readonly checks: number;
  readonly total: number;
}

/** One scan's results: everything every output format renders. */
export interface ScanOutcome {
  /** Undefined when the scan started from an SBOM file. */
  readonly image?: ImageDescription;
  readonly sbom: Sbom;
  /** Present when vulnerabilities or checks were asked for. */
  readonly vulns?: VulnOutcome;
  /** Present when checks were asked for. */
  readonly checks?: ChecksOutcome;
  /** Present when checks were asked for (SGCI-SEC-001 judges them). */
  readonly secrets?: readonly SecretFinding[];
  /** Everything that could not be inspected: the SBOM's unknowns and the secret scanner's. */
  readonly unknowns: readonly Unknown[];
  /** True when the layer results came from the scan cache and no layer was read. */
  readonly cached: boolean;
  readonly timings: ScanTimings;
}
