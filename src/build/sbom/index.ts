import type { Sbom } from '../../catalog/index.ts';
import { encodeSbom, type SbomFormat } from '../../sbom/index.ts';
import type { BuildConfig } from '../config.ts';

export { assertSbomsAgree, compareSboms, type SbomDisagreement } from './cross-check.ts';
export { buildSbomSource, declaredSbom } from './declared-sbom.ts';

type BuildSbomFormat = BuildConfig['outputs']['sbom'][number];

/** The build file's names for the formats (`cyclonedx-1.6`, `spdx-2.3`) and what sgci's encoders call them. */
const encoders: Record<BuildSbomFormat, { format: SbomFormat; mediaType: string; extension: string }> = {
  'cyclonedx-1.6': { format: 'cyclonedx-json', mediaType: 'application/vnd.cyclonedx+json', extension: 'cdx.json' },
  'spdx-2.3': { format: 'spdx-json', mediaType: 'application/spdx+json', extension: 'spdx.json' },
};

export interface EncodedSbom {
  readonly format: BuildSbomFormat;
  readonly mediaType: string;
  readonly extension: string;
  readonly text: string;
}

/** The SBOM in each format the build file asks for, with the same encoders `sgci sbom` uses. */
export function encodeBuildSboms(sbom: Sbom, formats: readonly BuildSbomFormat[]): EncodedSbom[] {
  return formats.map((format) => {
    const encoder = encoders[format];
    return {
      format,
      mediaType: encoder.mediaType,
      extension: encoder.extension,
      text: encodeSbom(sbom, encoder.format),
    };
  });
}
