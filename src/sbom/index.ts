import { createRequire } from 'node:module';
import type { Sbom } from '../catalog/index.ts';
import { SgciError } from '../core/index.ts';
import { encodeCycloneDxJson } from './cyclonedx-json.ts';
import { type SbomFormat, sbomFormats } from './formats.ts';

export type { Sbom, SbomSubject } from '../catalog/index.ts';
export { isSbomFormat, type SbomFormat, sbomFormats } from './formats.ts';
export { serialUuid } from './serial.ts';
export { formatUnknown } from './unknowns.ts';

/**
 * The other encoders and the decoder load when first used: `sgci sbom` and `sgci scan` write CycloneDX JSON, and
 * every module loaded is start-up time each run pays (issue 17). require() of an ES module shares the import's
 * instance.
 */
const load = createRequire(import.meta.url);

/** Renders the SBOM; the same SBOM always gives the same bytes. */
export function encodeSbom(sbom: Sbom, format: SbomFormat): string {
  switch (format) {
    case 'cyclonedx-json':
      return encodeCycloneDxJson(sbom);
    case 'cyclonedx-xml':
      return (load('./cyclonedx.ts') as typeof import('./cyclonedx.ts')).encodeCycloneDxXml(sbom);
    case 'spdx-json':
      return (load('./spdx.ts') as typeof import('./spdx.ts')).encodeSpdxJson(sbom);
    case 'table':
      return (load('./table.ts') as typeof import('./table.ts')).encodeTable(sbom);
    default:
      throw new SgciError('USAGE', String(format), `unknown SBOM format (one of ${sbomFormats.join(', ')})`);
  }
}

/** Reads a CycloneDX or SPDX JSON SBOM made elsewhere back into the model (decode.ts). */
export function decodeSbom(text: string, input: string): Sbom {
  return (load('./decode.ts') as typeof import('./decode.ts')).decodeSbom(text, input);
}
