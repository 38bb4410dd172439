import { type DockerfileInput, type ManifestsInput, manifestsFromTexts, parseDockerfile } from '../../checks/index.ts';
import { parseVex, type VexStatement } from '../../vuln/index.ts';
import type { SubmissionInputs } from '../db/schema.ts';

/** A submission's files as the pipeline reads them. */
export interface ScanInputs {
  readonly dockerfile?: DockerfileInput;
  readonly manifests?: ManifestsInput;
  readonly vex: readonly VexStatement[];
}

/**
 * Parses the submitted Dockerfile, manifests and VEX documents; an invalid one throws the SgciError naming it,
 * which the API turns into a 422 before anything is stored.
 */
export function scanInputsOf(inputs: SubmissionInputs): ScanInputs {
  return {
    ...(inputs.dockerfile !== undefined ? { dockerfile: parseDockerfile(inputs.dockerfile, 'dockerfile') } : {}),
    ...(inputs.manifests?.length
      ? {
          manifests: manifestsFromTexts(
            'manifests',
            inputs.manifests.map((f) => ({ name: `manifests/${f.name}`, content: f.content })),
          ),
        }
      : {}),
    vex: (inputs.vex ?? []).flatMap((file) => parseVex(file.content, `vex/${file.name}`)),
  };
}
