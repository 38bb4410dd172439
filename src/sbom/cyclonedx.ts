import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as CycloneDx from '@cyclonedx/cyclonedx-library';
import type { Sbom } from '../catalog/index.ts';
import { isSpdxExpression, type Package } from '../catalog/index.ts';
import { archiveSha256, packageProperties } from './properties.ts';
import { fileRef, serialUuid } from './serial.ts';
import { formatUnknown } from './unknowns.ts';

/**
 * The CycloneDX library is loaded on first use, not at import, and only in the parts the chosen format
 * needs: its root entry (and its `Serialize` entry) eagerly load the XML serializer (xmlbuilder2) and the
 * ajv validators, about 0.1 s of start-up that JSON output and everything that only decodes SBOMs or
 * writes SPDX (vulns, scan, other commands) never use.
 */
type CycloneDxModel = Pick<typeof CycloneDx, 'Enums' | 'Models' | 'SPDX' | 'Spec'>;
let library: CycloneDxModel | undefined;
function cdx(): CycloneDxModel {
  if (!library) {
    const load = createRequire(import.meta.url);
    library = {
      Enums: load('@cyclonedx/cyclonedx-library/Enums'),
      Models: load('@cyclonedx/cyclonedx-library/Models'),
      SPDX: load('@cyclonedx/cyclonedx-library/SPDX'),
      Spec: load('@cyclonedx/cyclonedx-library/Spec'),
    } as CycloneDxModel;
  }
  return library;
}

/**
 * The JSON serializer's own files: the package exports them only through `Serialize`, which also loads the
 * XML serializer. Requiring them by file path from the package root skips that; the paths are those of the
 * locked library version (the sbom tests fail loudly if an upgrade moves them). They resolve to the same
 * module instances the `Models` entry uses, so the serializer's class checks still hold.
 */
function jsonSerializer(): CycloneDx.Serialize.JsonSerializer {
  const load = createRequire(import.meta.url);
  const dist = join(dirname(load.resolve('@cyclonedx/cyclonedx-library/package.json')), 'dist.node', 'serialize');
  const { JsonSerializer } = load(join(dist, 'jsonSerializer.js')) as Pick<
    typeof CycloneDx.Serialize,
    'JsonSerializer'
  >;
  const { Factory } = load(join(dist, 'json', 'normalize.js')) as Pick<
    typeof CycloneDx.Serialize.JSON.Normalize,
    'Factory'
  >;
  return new JsonSerializer(new Factory(cdx().Spec.Spec1dot6));
}

function componentType(type: Package['type']): CycloneDx.Enums.ComponentType {
  const { ComponentType } = cdx().Enums;
  const types: Record<Package['type'], CycloneDx.Enums.ComponentType> = {
    library: ComponentType.Library,
    application: ComponentType.Application,
    'operating-system': ComponentType.OperatingSystem,
    framework: ComponentType.Framework,
    file: ComponentType.File,
  };
  return types[type];
}

export const imageBomRef = 'image';

export function distroBomRef(sbom: Sbom): string | undefined {
  return sbom.distro ? `os-${sbom.distro.id}-${sbom.distro.versionId ?? 'unknown'}` : undefined;
}

/** The CycloneDX 1.6 model of an SBOM: one component per package, the image as metadata.component. */
export function toCycloneDxBom(sbom: Sbom): CycloneDx.Models.Bom {
  const { Enums, Models } = cdx();
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${serialUuid(sbom)}` });
  const image = new Models.Component(Enums.ComponentType.Container, sbom.subject.name, {
    bomRef: imageBomRef,
    ...(sbom.subject.digest ? { version: sbom.subject.digest } : {}),
  });
  if (sbom.subject.platform) image.properties.add(new Models.Property('sgci:image:platform', sbom.subject.platform));
  for (const [i, layer] of (sbom.subject.layers ?? []).entries()) {
    image.properties.add(new Models.Property(`sgci:image:layer:${i}:digest`, layer.digest));
    if (layer.diffId) image.properties.add(new Models.Property(`sgci:image:layer:${i}:diffId`, layer.diffId));
  }
  bom.metadata.component = image;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, sbom.tool.name, { version: sbom.tool.version }),
  );
  if (sbom.subject.created)
    bom.metadata.properties.add(new Models.Property('sgci:image:created', sbom.subject.created));
  // partial failures travel with the SBOM: a reader must see what was not inspected
  for (const u of sbom.unknowns) bom.metadata.properties.add(new Models.Property('sgci:unknown', formatUnknown(u)));

  const components = new Map<string, CycloneDx.Models.Component>();
  for (const pkg of sbom.packages) {
    const c = new Models.Component(componentType(pkg.type), pkg.name, {
      bomRef: pkg.id,
      version: pkg.version,
      purl: pkg.purl,
    });
    addLicenses(c, pkg.licenses);
    const sha256 = archiveSha256(pkg);
    if (sha256) c.hashes.set(Enums.HashAlgorithm['SHA-256'], sha256);
    for (const [name, value] of packageProperties(pkg)) c.properties.add(new Models.Property(name, value));
    components.set(pkg.id, c);
    bom.components.add(c);
  }
  for (const r of sbom.relationships) {
    const from = components.get(r.from);
    const to = components.get(r.to);
    if (!from || !to) continue;
    if (r.type === 'depends-on') from.dependencies.add(to.bomRef);
    else to.properties.add(new Models.Property('sgci:package:ownedBy', r.from));
  }
  const osRef = distroBomRef(sbom);
  if (sbom.distro && osRef) {
    const os = new Models.Component(Enums.ComponentType.OperatingSystem, sbom.distro.id, {
      bomRef: osRef,
      ...(sbom.distro.versionId ? { version: sbom.distro.versionId } : {}),
      ...(sbom.distro.prettyName ? { description: sbom.distro.prettyName } : {}),
    });
    if (sbom.distro.versionCodename) {
      os.properties.add(new Models.Property('sgci:distro:versionCodename', sbom.distro.versionCodename));
    }
    for (const like of sbom.distro.idLike ?? []) os.properties.add(new Models.Property('sgci:distro:idLike', like));
    bom.components.add(os);
  }
  for (const exe of sbom.unidentifiedExecutables) {
    const f = new Models.Component(Enums.ComponentType.File, exe.path, { bomRef: fileRef(exe.path) });
    f.properties.add(new Models.Property('sgci:file:unidentified', 'true'));
    f.properties.add(new Models.Property('sgci:file:layer', String(exe.layer)));
    bom.components.add(f);
  }
  return bom;
}

/**
 * CycloneDX allows either a list of licenses (SPDX ids or names) or exactly one expression. Several
 * statements of which one is an expression become one expression when every part is SPDX.
 */
function addLicenses(c: CycloneDx.Models.Component, licenses: readonly string[]): void {
  const { Models, SPDX } = cdx();
  if (licenses.length === 0) return;
  const simple = licenses.every((l) => SPDX.isSupportedSpdxId(l) || !isSpdxExpression(l));
  if (simple) {
    for (const l of licenses) {
      c.licenses.add(SPDX.isSupportedSpdxId(l) ? new Models.SpdxLicense(l) : new Models.NamedLicense(l));
    }
    return;
  }
  if (licenses.every(isSpdxExpression)) {
    const expression =
      licenses.length === 1
        ? (licenses[0] as string)
        : licenses.map((l) => (/\s/.test(l) ? `(${l})` : l)).join(' AND ');
    c.licenses.add(new Models.LicenseExpression(expression));
    return;
  }
  for (const l of licenses) c.licenses.add(new Models.NamedLicense(l));
}

export function encodeCycloneDxJson(sbom: Sbom): string {
  const serializer = jsonSerializer();
  return `${serializer.serialize(toCycloneDxBom(sbom), { sortLists: true, space: 2 })}\n`;
}

export function encodeCycloneDxXml(sbom: Sbom): string {
  const { Spec } = cdx();
  const Serialize = createRequire(import.meta.url)(
    '@cyclonedx/cyclonedx-library/Serialize',
  ) as typeof CycloneDx.Serialize;
  const serializer = new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(toCycloneDxBom(sbom), { sortLists: true, space: 2 })}\n`;
}
