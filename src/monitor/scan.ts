import type { Sbom } from '../catalog/index.ts';
import type { Clock, Limits } from '../core/index.ts';
import type { Image } from '../oci/index.ts';
import type { Policy } from '../policy/index.ts';
import type { ScanCache, VulnMatcher } from '../scan/index.ts';
import type { VulnReport } from '../vuln/index.ts';

/** A digest's SBOM and vulnerabilities, as the classification, the pins and time-to-patch read them. */
export interface DigestScan {
  readonly sbom: Sbom;
  /** Absent when matching could not run (no advisory database): then no vulnerability diff is claimed. */
  readonly vulns?: VulnReport;
}

/** Scans `registry/repository@digest` for one platform. */
export type DigestScanner = (reference: string, platform: string) => Promise<DigestScan>;

export interface PipelineScannerParts {
  readonly openImage: (reference: string, platform: string) => Promise<Image>;
  /** The scan cache in the one store: a digest's layers are read once, whoever asks again. */
  readonly cache: ScanCache;
  readonly matcher?: VulnMatcher;
  readonly policy: Policy;
  readonly clock: Clock;
  readonly limits: Limits;
}

/**
 * The monitor's scans go through the one pipeline (`runScan`) with its content-keyed cache, so a digest the monitor
 * saw before (or `sgci scan --cache` scanned) is not read again; in one process, a digest is scanned once, and one
 * scan runs at a time.
 */
export function pipelineScanner(parts: PipelineScannerParts): DigestScanner {
  const running = new Map<string, Promise<DigestScan>>();
  // one scan at a time: a round that meets a hundred new tags must not read a hundred images at once
  let previous: Promise<unknown> = Promise.resolve();
  const scanOne = async (reference: string, platform: string): Promise<DigestScan> => {
    // the pipeline loads with the first scan: a round of unchanged tags never needs it
    const { runScan } = await import('../scan/index.ts');
    const outcome = await runScan(
      {
        subject: { reference },
        needs: { vulns: true, checks: false },
        policy: parts.policy,
        now: parts.clock(),
        limits: parts.limits,
      },
      {
        openImage: (ref) => parts.openImage(ref, platform),
        cache: parts.cache,
        ...(parts.matcher ? { matcher: parts.matcher } : {}),
      },
    );
    return { sbom: outcome.sbom, ...(outcome.vulns?.matched ? { vulns: outcome.vulns.report } : {}) };
  };
  return (reference, platform) => {
    const key = `${reference} ${platform}`;
    let scan = running.get(key);
    if (!scan) {
      scan = previous.then(
        () => scanOne(reference, platform),
        () => scanOne(reference, platform),
      );
      previous = scan;
      running.set(key, scan);
      scan.catch(() => running.delete(key));
    }
    return scan;
  };
}
