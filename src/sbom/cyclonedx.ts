import { createRequire } from 'node:module';
import type * as CycloneDx from '@cyclonedx/cyclonedx-library';
import type { Sbom } from '../catalog/index.ts';
import { type CdxComponent, type CdxLicense, cycloneDxDocument } from './cyclonedx-components.ts';

/**
 * CycloneDX XML through the CycloneDX library (JSON is written directly, cyclonedx-json.ts). The library is loaded
 * on first use, not at import: its root entry loads the XML serializer (xmlbuilder2) and the ajv validators, about
 * 0.1 s of start-up that every other output never uses.
 */
type CycloneDxModel = Pick<typeof CycloneDx, 'Enums' | 'Models' | 'Spec'>;
let library: CycloneDxModel | undefined;
function cdx(): CycloneDxModel {
  if (!library) {
    const load = createRequire(import.meta.url);
    library = {
      Enums: load('@cyclonedx/cyclonedx-library/Enums'),
      Models: load('@cyclonedx/cyclonedx-library/Models'),
      Spec: load('@cyclonedx/cyclonedx-library/Spec'),
    } as CycloneDxModel;
  }
  return library;
}

function license(l: CdxLicense): CycloneDx.Models.License {
  const { Models } = cdx();
  if (l.kind === 'spdx') return new Models.SpdxLicense(l.id);
  if (l.kind === 'named') return new Models.NamedLicense(l.name);
  return new Models.LicenseExpression(l.expression);
}

function model(c: CdxComponent): CycloneDx.Models.Component {
  const { Enums, Models } = cdx();
  const m = new Models.Component(c.type as CycloneDx.Enums.ComponentType, c.name, {
    ...(c.bomRef !== undefined ? { bomRef: c.bomRef } : {}),
    ...(c.version !== undefined ? { version: c.version } : {}),
    ...(c.purl !== undefined ? { purl: c.purl } : {}),
    ...(c.description !== undefined ? { description: c.description } : {}),
  });
  for (const l of c.licenses) m.licenses.add(license(l));
  if (c.sha256) m.hashes.set(Enums.HashAlgorithm['SHA-256'], c.sha256);
  for (const [name, value] of c.properties) m.properties.add(new Models.Property(name, value));
  return m;
}

/** The CycloneDX 1.6 model of an SBOM (cyclonedx-components.ts decides what it holds). */
export function toCycloneDxBom(sbom: Sbom): CycloneDx.Models.Bom {
  const { Models } = cdx();
  const doc = cycloneDxDocument(sbom);
  const bom = new Models.Bom({ serialNumber: doc.serialNumber });
  bom.metadata.component = model(doc.image);
  bom.metadata.tools.components.add(model(doc.tool));
  for (const [name, value] of doc.metadataProperties) bom.metadata.properties.add(new Models.Property(name, value));
  const models = new Map<CdxComponent, CycloneDx.Models.Component>();
  for (const c of doc.components) {
    const m = model(c);
    models.set(c, m);
    bom.components.add(m);
  }
  for (const [c, m] of models) for (const d of c.dependsOn) m.dependencies.add((models.get(d) as typeof m).bomRef);
  return bom;
}

export function encodeCycloneDxXml(sbom: Sbom): string {
  const { Spec } = cdx();
  const Serialize = createRequire(import.meta.url)(
    '@cyclonedx/cyclonedx-library/Serialize',
  ) as typeof CycloneDx.Serialize;
  const serializer = new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(toCycloneDxBom(sbom), { sortLists: true, space: 2 })}\n`;
}
