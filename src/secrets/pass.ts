import type { Unknown } from '../core/index.ts';
import type { ImageConfig } from '../oci/image/index.ts';
import type { ImageFilesystem, PassPart } from '../oci/index.ts';
import { scanImageConfig } from './config.ts';
import { markHidden } from './hidden.ts';
import { compareFindings, createSecretScanner } from './scanner.ts';
import type { SecretFinding, SecretScannerOptions } from './types.ts';

/** What the secret scanner found in the layers and the config, and the files it could not scan to the end. */
export interface SecretScan {
  readonly findings: readonly SecretFinding[];
  readonly unknowns: readonly Unknown[];
}

/**
 * The secret scanner's part of the single pass: a visitor over every file of every layer, then the config's Env,
 * Labels and history, and each file finding marked as deleted or not in what a container sees.
 */
export function secretsPass(
  config: ImageConfig,
  options: SecretScannerOptions = {},
): PassPart<Pick<ImageFilesystem, 'squashed'>, SecretScan> {
  const scanner = createSecretScanner(options);
  return {
    needs: { visitors: [scanner.visitor] },
    async finish(fs) {
      const findings = markHidden([...scanner.findings(), ...scanImageConfig(config)], fs).sort(compareFindings);
      return { findings, unknowns: scanner.unknowns() };
    },
  };
}
