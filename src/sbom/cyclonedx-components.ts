import type { Package, Sbom } from '../catalog/index.ts';
import { isSpdxExpression, isSpdxId } from '../catalog/index.ts';
import { archiveSha256, packageProperties } from './properties.ts';
import { fileRef, serialUuid } from './serial.ts';
import { formatUnknown } from './unknowns.ts';

/**
 * What an SBOM says in CycloneDX terms, as plain data: which components, their fields, licenses, properties and
 * dependencies. The JSON encoder writes it directly; the XML encoder maps it onto the CycloneDX library's models.
 * One place decides, so both formats say the same.
 */

export type CdxComponentType = 'library' | 'application' | 'operating-system' | 'framework' | 'file' | 'container';

export type CdxLicense =
  | { readonly kind: 'spdx'; readonly id: string }
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'expression'; readonly expression: string };

export interface CdxComponent {
  readonly type: CdxComponentType;
  readonly name: string;
  /** Absent on the tool; every other component has one. */
  readonly bomRef?: string;
  readonly version?: string;
  readonly description?: string;
  readonly purl?: string;
  readonly sha256?: string;
  readonly licenses: readonly CdxLicense[];
  /** In the order they were stated; the encoders sort. */
  readonly properties: [string, string][];
  /** The components this one depends on, each once. */
  readonly dependsOn: Set<CdxComponent>;
}

export interface CdxDocument {
  readonly serialNumber: string;
  readonly tool: CdxComponent;
  /** The image: metadata.component. */
  readonly image: CdxComponent;
  readonly metadataProperties: readonly [string, string][];
  /** Packages (in the SBOM's order), then the distro, then unidentified executables. */
  readonly components: readonly CdxComponent[];
}

const imageBomRef = 'image';

function distroBomRef(sbom: Sbom): string | undefined {
  return sbom.distro ? `os-${sbom.distro.id}-${sbom.distro.versionId ?? 'unknown'}` : undefined;
}

function component(
  type: CdxComponentType,
  name: string,
  fields: Omit<CdxComponent, 'type' | 'name' | 'licenses' | 'properties' | 'dependsOn'> & {
    licenses?: readonly CdxLicense[];
  } = {},
): CdxComponent {
  return { licenses: [], ...fields, type, name, properties: [], dependsOn: new Set() };
}

/**
 * CycloneDX allows either a list of licenses (SPDX ids or names) or exactly one expression. Several
 * statements of which one is an expression become one expression when every part is SPDX.
 */
function licensesOf(licenses: readonly string[]): CdxLicense[] {
  if (licenses.length === 0) return [];
  if (licenses.every((l) => isSpdxId(l) || !isSpdxExpression(l))) {
    return licenses.map((l) => (isSpdxId(l) ? { kind: 'spdx', id: l } : { kind: 'named', name: l }));
  }
  if (licenses.every(isSpdxExpression)) {
    const expression =
      licenses.length === 1
        ? (licenses[0] as string)
        : licenses.map((l) => (/\s/.test(l) ? `(${l})` : l)).join(' AND ');
    return [{ kind: 'expression', expression }];
  }
  return licenses.map((name) => ({ kind: 'named', name }));
}

const packageTypes: Record<Package['type'], CdxComponentType> = {
  library: 'library',
  application: 'application',
  'operating-system': 'operating-system',
  framework: 'framework',
  file: 'file',
};

/** The CycloneDX 1.6 content of an SBOM: one component per package, the image as metadata.component. */
export function cycloneDxDocument(sbom: Sbom): CdxDocument {
  const image = component('container', sbom.subject.name, {
    bomRef: imageBomRef,
    ...(sbom.subject.digest ? { version: sbom.subject.digest } : {}),
  });
  if (sbom.subject.platform) image.properties.push(['sgci:image:platform', sbom.subject.platform]);
  for (const [i, layer] of (sbom.subject.layers ?? []).entries()) {
    image.properties.push([`sgci:image:layer:${i}:digest`, layer.digest]);
    if (layer.diffId) image.properties.push([`sgci:image:layer:${i}:diffId`, layer.diffId]);
  }
  const metadataProperties: [string, string][] = [];
  if (sbom.subject.created) metadataProperties.push(['sgci:image:created', sbom.subject.created]);
  // partial failures travel with the SBOM: a reader must see what was not inspected
  for (const u of sbom.unknowns) metadataProperties.push(['sgci:unknown', formatUnknown(u)]);

  const components: CdxComponent[] = [];
  const byId = new Map<string, CdxComponent>();
  for (const pkg of sbom.packages) {
    const sha256 = archiveSha256(pkg);
    const c = component(packageTypes[pkg.type], pkg.name, {
      bomRef: pkg.id,
      version: pkg.version,
      purl: pkg.purl,
      licenses: licensesOf(pkg.licenses),
      ...(sha256 ? { sha256 } : {}),
    });
    for (const property of packageProperties(pkg)) c.properties.push(property);
    byId.set(pkg.id, c);
    components.push(c);
  }
  for (const r of sbom.relationships) {
    const from = byId.get(r.from);
    const to = byId.get(r.to);
    if (!from || !to) continue;
    if (r.type === 'depends-on') from.dependsOn.add(to);
    else to.properties.push(['sgci:package:ownedBy', r.from]);
  }
  const osRef = distroBomRef(sbom);
  if (sbom.distro && osRef) {
    const os = component('operating-system', sbom.distro.id, {
      bomRef: osRef,
      ...(sbom.distro.versionId ? { version: sbom.distro.versionId } : {}),
      ...(sbom.distro.prettyName ? { description: sbom.distro.prettyName } : {}),
    });
    if (sbom.distro.versionCodename) os.properties.push(['sgci:distro:versionCodename', sbom.distro.versionCodename]);
    for (const like of sbom.distro.idLike ?? []) os.properties.push(['sgci:distro:idLike', like]);
    components.push(os);
  }
  for (const exe of sbom.unidentifiedExecutables) {
    const f = component('file', exe.path, { bomRef: fileRef(exe.path) });
    f.properties.push(['sgci:file:unidentified', 'true'], ['sgci:file:layer', String(exe.layer)]);
    components.push(f);
  }
  return {
    serialNumber: `urn:uuid:${serialUuid(sbom)}`,
    tool: component('application', sbom.tool.name, { version: sbom.tool.version }),
    image,
    metadataProperties,
    components,
  };
}
