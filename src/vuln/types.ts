/**
 * The result types of vulnerability matching, read by the checks (SGCI-VULN-*), the report renderers,
 * the store and the server. JSON-serialisable as they are: `sgci vulns -o json` writes a VulnReport.
 */
import type { Distro, Ecosystem } from '../catalog/index.ts';
import type { SbomSubject } from '../sbom/index.ts';

/** Qualitative rating; `UNKNOWN` when an advisory gives neither a vector nor an ecosystem severity. */
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE' | 'UNKNOWN';

/** Highest first: the order of `--fail-on` thresholds and of sorted reports. */
export const severityOrder: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE', 'UNKNOWN'];

/** One severity statement of an advisory, parsed to a score and rating. */
export interface SeverityScore {
  /** `CVSS_V3`/`CVSS_V4`/`CVSS_V2` from OSV `severity[]`; `ecosystem` from `database_specific`/`ecosystem_specific`. */
  readonly type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'ecosystem';
  readonly vector?: string;
  /**
   * Score computed from the vector: the CVSS 3.x base score by the specification's formula; the CVSS 4.0 score of
   * the vector as written (macro vectors, FIRST's calculator). Absent when the vector could not be scored.
   */
  readonly score?: number;
  /** `UNKNOWN` when the vector could not be scored; then `note` says why. */
  readonly rating: Severity;
  /** Why a vector has no score (malformed, unsupported); also listed in the report's notes. */
  readonly note?: string;
  /**
   * For a score taken from another record because the matched advisories rate nothing: the advisory sharing an id
   * with the finding (`GHSA-…`, `UBUNTU-CVE-…`), or `NVD` for NVD's CVSS of the CVE.
   */
  readonly source?: string;
}

/** Which source gave a finding its severity. */
export interface SeveritySource {
  /**
   * `advisory`: a matched advisory's own rating; `alias`: another advisory naming the same vulnerability (GHSA,
   * distro); `nvd`: NVD's CVSS for the CVE (`sgci db import` of NVD CVE JSON 2.0); `policy`: no source rates it,
   * so SLA and gates treat it as the policy's `unknownSeverity` until someone assesses it.
   */
  readonly kind: 'advisory' | 'alias' | 'nvd' | 'policy';
  /** The record that gave the rating: an advisory id, or the CVE id for NVD; absent for `policy`. */
  readonly id?: string;
  /** For `policy`: the severity SLA and gates use while `severity` stays `UNKNOWN`. */
  readonly treatedAs?: Severity;
}

export interface Reference {
  readonly type: string;
  readonly url: string;
}

export interface VulnerabilityInfo {
  /** The advisory id that matched (`DSA-5000-1`, `GHSA-…`, `PYSEC-…`, `GO-…`). */
  readonly id: string;
  /** Every other id of the same vulnerability (CVE, GHSA, DSA, DLA …), sorted; merged over matched advisories. */
  readonly aliases: readonly string[];
  readonly summary?: string;
  /** The rating over `scores` (see `overallSeverity`); `UNKNOWN` when no source rates it. */
  readonly severity: Severity;
  /** Where `severity` comes from; for `UNKNOWN`, the severity SLA and gates use instead. */
  readonly severitySource: SeveritySource;
  readonly scores: readonly SeverityScore[];
  readonly published?: string;
  readonly modified?: string;
  readonly references: readonly Reference[];
  /** Where the advisory was imported from (file, URL or archive). */
  readonly source: string;
}

export interface FindingPackage {
  /** The SBOM package id. */
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly purl: string;
  readonly ecosystem: Ecosystem;
  /** Distro source package, when matching went by it. */
  readonly sourceName?: string;
}

/** How a finding was found (Grype `match.Details`): what was searched and which range matched. */
export interface MatchDetail {
  readonly by: 'distro-source-package' | 'distro-package' | 'ecosystem-package';
  /** OSV ecosystem and package name searched (`Debian:12`/`openssl`, `npm`/`lodash`). */
  readonly searched: { readonly ecosystem: string; readonly name: string; readonly version: string };
  /** The advisory that matched and the reason in words (`introduced 0, fixed 3.0.11-1~deb12u2`). */
  readonly found: { readonly advisory: string; readonly range: string };
  readonly matcher: string;
}

/** Why a VEX statement applied to a finding; shown beside every suppressed finding. */
export interface VexRef {
  readonly status: VexStatus;
  readonly justification?: string;
  readonly impactStatement?: string;
  readonly actionStatement?: string;
  readonly author?: string;
  readonly timestamp?: string;
  /** The document (path, or `store` for statements made with `sgci vex add`) and the statement's id in it. */
  readonly document: string;
  readonly statementId?: string;
  readonly format: VexFormat;
}

export interface SlaState {
  /** The severity bucket's deadline from policy (`48h`, `7d`, `30d`, `next-release`). */
  readonly policy: string;
  /** When the clock started: the fix-available date, when known. */
  readonly startedAt?: string;
  /** startedAt + policy; absent for `next-release` or when no fix is available. */
  readonly dueAt?: string;
  readonly overdue: boolean;
}

export interface Finding {
  /** Deterministic: the vulnerability id and the package purl. */
  readonly id: string;
  readonly vulnerability: VulnerabilityInfo;
  readonly package: FindingPackage;
  /** Versions that fix it in this package's ecosystem/release, sorted by that ecosystem's order. */
  readonly fixedVersions: readonly string[];
  readonly fixState: 'fixed' | 'not-fixed' | 'unknown';
  /** When the first fix became available (the advisory's published/modified time for the fixing range). */
  readonly fixAvailableAt?: string;
  readonly details: readonly MatchDetail[];
  /**
   * `open`: counted. `os-owned-upstream`: a language package installed by an OS package, matched by its upstream
   * ecosystem; the distro's advisories judge it (backports), so it is shown but not counted as open.
   */
  readonly judgement: 'open' | 'os-owned-upstream';
  /** The OS package that installed it, for `os-owned-upstream`. */
  readonly ownedBy?: { readonly name: string; readonly purl: string };
  /** True when a VEX statement (`not_affected` or `fixed`) applies; the finding stays in every output. */
  readonly suppressed: boolean;
  /** The statement that applied (also `affected`/`under_investigation`, which keep the finding active). */
  readonly vex: VexRef | null;
  readonly sla?: SlaState;
}

export interface VulnSummary {
  /** Active findings (not suppressed, judgement `open`) per severity. */
  readonly active: Readonly<Record<Severity, number>>;
  readonly suppressed: number;
  readonly osOwnedUpstream: number;
  readonly overdue: number;
}

export interface VulnReport {
  readonly schemaVersion: '1.0.0';
  readonly subject: SbomSubject;
  readonly distro?: Distro;
  /** Sorted by severity, vulnerability id, package purl. */
  readonly matches: readonly Finding[];
  readonly summary: VulnSummary;
  readonly database: {
    readonly advisories: number;
    readonly lastImport?: string;
  };
  /** The clock SLA states were computed against (ISO time); the only time-dependent input. */
  readonly evaluatedAt: string;
  /** Things the user should know: GIT ranges ignored, packages without a matcher, VEX documents read … */
  readonly notes: readonly string[];
}

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
export type VexFormat = 'openvex' | 'cyclonedx' | 'csaf' | 'store';

/** A VEX statement normalised over OpenVEX, CycloneDX VEX and CSAF VEX. */
export interface VexStatement {
  readonly id?: string;
  /** The vulnerability's id and every alias the document names. */
  readonly vulnerability: { readonly id: string; readonly aliases: readonly string[] };
  /** Products: image digests (`sha256:…`), repositories, purls; empty means "any product". */
  readonly products: readonly string[];
  /** Subcomponent purls; empty means the statement applies to every component of the product. */
  readonly subcomponents: readonly string[];
  readonly status: VexStatus;
  readonly justification?: string;
  readonly impactStatement?: string;
  readonly actionStatement?: string;
  readonly author?: string;
  readonly timestamp?: string;
  readonly document: string;
  readonly format: VexFormat;
}
