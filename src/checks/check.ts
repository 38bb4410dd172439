/**
 * The shape of a hardening check (one file per ID, see registry.ts) and of what it evaluates.
 * A check reads only the context; a source it needs but does not get ends in `not-applicable`
 * or `manual` with the reason, never in a guess.
 */

import type { AttestationsForChecks } from '../attest/verify/index.ts';
import type { ImageDescription } from '../oci/image/index.ts';
import type { FileNeeds, ImageFilesystem } from '../oci/index.ts';
import type { Policy } from '../policy/index.ts';
import type { Sbom } from '../sbom/index.ts';
import type { SecretFinding } from '../secrets/index.ts';
import type { Finding } from '../vuln/index.ts';
import type { LocalizedEvidence, Text } from './evidence.ts';
import type { DockerfileInput } from './inputs/dockerfile.ts';
import type { ManifestsInput } from './inputs/manifests.ts';

export type Section = 'BASE' | 'BUILD' | 'COMP' | 'SEC' | 'RUN' | 'VULN';
export const sections: readonly Section[] = ['BASE', 'BUILD', 'COMP', 'SEC', 'RUN', 'VULN'];
export type CheckId = `SGCI-${Section}-${string}`;

export interface Reference {
  readonly standard: 'NIST SP 800-190' | 'BSI IT-Grundschutz' | 'BSI TR-03185-2' | 'SLSA' | 'BSI SYS.1.6 Anforderung';
  readonly item: string;
}
export type Automation = 'image' | 'dockerfile' | 'manifest' | 'attestation' | 'history' | 'manual';
export type Status = 'pass' | 'fail' | 'warn' | 'not-applicable' | 'manual';
export const statuses: readonly Status[] = ['fail', 'warn', 'manual', 'not-applicable', 'pass'];

export type CheckResult =
  | { readonly status: 'pass'; readonly evidence: readonly LocalizedEvidence[] }
  | {
      readonly status: 'fail' | 'warn';
      readonly evidence: readonly LocalizedEvidence[];
      readonly remediation: string;
      /** German for a remediation other than the check's own (the check's `remediationDe` covers that one). */
      readonly remediationDe?: string;
    }
  | {
      readonly status: 'not-applicable' | 'manual';
      readonly reason: string;
      /** The same in German: reports in German show it. */
      readonly reasonDe: string;
      readonly evidence?: readonly LocalizedEvidence[];
    };

interface CheckMeta {
  /** Stable forever; a retired ID stays reserved. */
  readonly id: CheckId;
  readonly section: Section;
  readonly title: { readonly en: string; readonly de: string };
  readonly level: 'MUST' | 'SHOULD';
  readonly references: readonly Reference[];
  readonly automation: readonly Automation[];
  /** What the check decides on, one line (docs). */
  readonly decides: string;
  /** The one-line fix when the check fails. */
  readonly remediation: string;
  /** The same fix in German (reports in German show it when the result carries the default remediation). */
  readonly remediationDe: string;
  /** Files whose content it reads from the squashed view; declared before the pass. */
  readonly needs?: FileNeeds;
  /** Files it reads that the image config names (start scripts): still known before any layer byte is read. */
  needsFor?(image: CheckImage): FileNeeds;
  /** Facts of every layer's files the pass must take for it (`file-digests`: md5/sha1 of packaged files). */
  readonly passFacts?: readonly PassFact[];
}

export type PassFact = 'file-digests';

/**
 * A check of what the layers hold. It is evaluated in the pass's finish step and sees only what a stored scan
 * keeps for the image (no clock, no vulnerability data, no registry state), so its result is stored with the scan
 * and a re-scan of the same digest reuses it without reading a layer.
 */
export interface FilesystemCheck extends CheckMeta {
  readonly reads: 'filesystem';
  evaluate(ctx: PassContext): CheckResult | Promise<CheckResult>;
}

/**
 * A check of the image's context: config, SBOM, vulnerabilities, attestations, the clock. Evaluated on every scan,
 * cached or not. Where it also needs a fact of the layers, `collect` takes it in the pass's finish step; the
 * facts are stored with the scan and handed to `evaluate`.
 */
export interface ContextCheck<Facts = unknown> extends CheckMeta {
  readonly reads?: 'context';
  collect?(ctx: PassContext): Facts | Promise<Facts>;
  evaluate(ctx: CheckContext, facts?: Facts): CheckResult | Promise<CheckResult>;
}

export type Check = FilesystemCheck | ContextCheck;

/** The image as the checks read it: the one image description (`describeImage`). */
export type CheckImage = ImageDescription;

/** Signature/attestation verification results for the image digest (filled by the signing area). */
export type AttestationInput = AttestationsForChecks;

/** Vulnerability data for the VULN checks, or why there is none. */
export type VulnInput =
  | { readonly available: true; readonly findings: readonly Finding[]; readonly advisories: number }
  | { readonly available: false; readonly reason: string; readonly reasonDe: string };

/** Hex digests by `layer:path`; a map will do, the pass gives a compact table (one record per file of the image). */
export interface DigestLookup {
  /** The hex digest of the file at `layer:path`; undefined when none was taken (see `untaken`). */
  get(key: string): string | undefined;
  /**
   * Whether the file at `layer:path` was hashed, but not with this algorithm (no package database the pass had
   * seen by then asks for it): neither verified nor absent, unknown until `FileDigests.retake` takes it.
   */
  untaken(key: string): boolean;
}

/** A digest a package database asks for: of the file at `layer:path`, with `algorithm`. */
export interface WantedDigest {
  readonly key: string;
  readonly algorithm: string;
}

/**
 * Per-layer digests of regular files, taken during the pass (SGCI-COMP-003), each file with the algorithms the
 * package databases seen before it ask for.
 */
export interface FileDigests {
  /** `layer:path` -> md5 hex (dpkg md5sums, old rpm headers). */
  readonly md5: DigestLookup;
  /** `layer:path` -> sha1 hex (apk records sha1). */
  readonly sha1: DigestLookup;
  /** `layer:path` -> sha256 hex (rpm records sha256 since 4.6). */
  readonly sha256: DigestLookup;
  /**
   * Takes the wanted digests the pass left out (`untaken`) by reading only their files' layers again; the
   * lookups give them afterwards. Undefined where the image cannot be read again: they stay untaken. Rejects
   * when reading fails (a layer no longer what its digest names, a registry gone).
   */
  readonly retake: ((wanted: readonly WantedDigest[]) => Promise<void>) | undefined;
}

/** Everything a check may read; each kind of check sees its part (PassContext or CheckContext). */
export interface ScanContext {
  readonly image?: CheckImage;
  readonly fs?: ImageFilesystem;
  readonly sbom?: Sbom;
  /** Findings of the secret scanner over every layer and the config (with `deleted` set by markHidden). */
  readonly secrets?: readonly SecretFinding[];
  readonly vulns?: VulnInput;
  readonly dockerfile?: DockerfileInput;
  readonly manifests?: ManifestsInput;
  /** Undefined when signatures were not verified in this run: attestation checks report `manual`. */
  readonly attestations?: AttestationInput;
  readonly fileDigests?: FileDigests;
  readonly policy: Policy;
  /** The clock for ages and expiries; fixed in tests. */
  readonly now: Date;
}

/** What a filesystem check sees: the layers and what is derived from them, the build inputs and the policy. */
export type PassContext = Omit<ScanContext, 'vulns' | 'attestations' | 'now'>;

/** What a context check sees: everything but the layers themselves. */
export type CheckContext = Omit<ScanContext, 'fs' | 'fileDigests'>;

/** Builds a `fail`/`warn` result with the check's remediation unless a more specific one is given. */
export function failing(
  check: Pick<Check, 'remediation'>,
  evidence: readonly LocalizedEvidence[],
  options: { status?: 'fail' | 'warn'; remediation?: Text } = {},
): CheckResult {
  const { remediation } = options;
  return {
    status: options.status ?? 'fail',
    evidence,
    remediation: remediation?.en ?? check.remediation,
    ...(remediation ? { remediationDe: remediation.de } : {}),
  };
}
