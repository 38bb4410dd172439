import type { Sbom } from '../catalog/index.ts';
import { SgciError } from '../core/index.ts';
import { encodeCycloneDxXml } from './cyclonedx.ts';
import { encodeCycloneDxJson } from './cyclonedx-json.ts';
import { type SbomFormat, sbomFormats } from './formats.ts';
import { encodeSpdxJson } from './spdx.ts';
import { encodeTable } from './table.ts';

export type { Sbom, SbomSubject } from '../catalog/index.ts';
export { decodeSbom } from './decode.ts';
export { isSbomFormat, type SbomFormat, sbomFormats } from './formats.ts';
export { serialUuid } from './serial.ts';
export { formatUnknown } from './unknowns.ts';

/** Renders the SBOM; the same SBOM always gives the same bytes. */
export function encodeSbom(sbom: Sbom, format: SbomFormat): string {
  switch (format) {
    case 'cyclonedx-json':
      return encodeCycloneDxJson(sbom);
    case 'cyclonedx-xml':
      return encodeCycloneDxXml(sbom);
    case 'spdx-json':
      return encodeSpdxJson(sbom);
    case 'table':
      return encodeTable(sbom);
    default:
      throw new SgciError('USAGE', String(format), `unknown SBOM format (one of ${sbomFormats.join(', ')})`);
  }
}
