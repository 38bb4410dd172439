import { SgciError } from '../../core/index.ts';
import type { ImageDescription } from '../../oci/image/index.ts';
import type { ScanReport } from '../../report/index.ts';
import type { ScanOutcome } from '../../scan/index.ts';
import type { VulnReport } from '../../vuln/index.ts';
import { type MatchingInput, matchingInputOf } from '../rematch/matching-input.ts';

/**
 * What a submission keeps of its scan: the check report and the vulnerability report exactly as `sgci check` and
 * `sgci vulns` write them as JSON (so the API serves and counts the same documents a consumer recomputes), and the
 * scan's circumstances. The SBOM stays in the stored pass (`scan_key`); what matching reads of it is kept beside the
 * version (`ScannedResult`), from which re-matching starts.
 */
export interface StoredScanResult {
  readonly checks: ScanReport;
  readonly vulns: VulnReport;
  /** Whether matching ran; when not, why (no advisory data yet). */
  readonly matched: boolean;
  readonly unavailable?: string;
  readonly platform: string | null;
  /** The layers' diffIDs, bottom first: which admitted base image a finding's layer comes from. */
  readonly diffIds: readonly string[];
  readonly packages: number;
  /** The ecosystems of the SBOM's packages (`deb`, `npm` …), sorted; absent in results stored before they were. */
  readonly ecosystems?: readonly string[];
  readonly unknowns: number;
  readonly timings: ScanOutcome['timings'];
}

/**
 * A scan's result as the scan job records it: the stored result, and what re-matching will read of the SBOM, which
 * `recordScanResult` stores beside the version (`matching_inputs`), never inside the result a consumer is served.
 */
export interface ScannedResult extends StoredScanResult {
  readonly matching: MatchingInput;
}

export function diffIdsOf(image: ImageDescription): string[] {
  return image.layers.flatMap((layer) => (layer.diffId ? [layer.diffId] : []));
}

export function storedResultOf(outcome: ScanOutcome): ScannedResult {
  if (!outcome.checks || !outcome.vulns) {
    throw new SgciError(
      'USAGE',
      outcome.image?.reference ?? 'scan',
      'a catalogue scan needs checks and vulnerabilities',
    );
  }
  return {
    checks: outcome.checks.report,
    vulns: outcome.vulns.report,
    matched: outcome.vulns.matched,
    ...(outcome.vulns.unavailable ? { unavailable: outcome.vulns.unavailable.en } : {}),
    platform: outcome.image?.platform ?? null,
    diffIds: outcome.image ? diffIdsOf(outcome.image) : [],
    packages: outcome.sbom.packages.length,
    ecosystems: [...new Set(outcome.sbom.packages.map((p) => p.ecosystem))].sort(),
    unknowns: outcome.unknowns.length,
    timings: outcome.timings,
    matching: matchingInputOf(outcome.sbom),
  };
}
