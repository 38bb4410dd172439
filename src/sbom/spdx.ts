import { createHash } from 'node:crypto';
import type { Sbom } from '../catalog/index.ts';
import { isSpdxExpression, type Package } from '../catalog/index.ts';
import { archiveSha256, packageProperties } from './properties.ts';
import { fileRef, serialUuid } from './serial.ts';
import { formatUnknown } from './unknowns.ts';

const purposes: Record<Package['type'], string> = {
  library: 'LIBRARY',
  application: 'APPLICATION',
  'operating-system': 'OPERATING_SYSTEM',
  framework: 'FRAMEWORK',
  file: 'FILE',
};

export const spdxImageId = 'SPDXRef-Image';
export const spdxPackageId = (id: string): string => `SPDXRef-Package-${id}`;

/** A non-SPDX license name as a LicenseRef (SPDX 2.3 §10.1: letters, digits, `.` and `-`). */
function licenseRef(name: string): string {
  const slug = name
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `LicenseRef-${slug || 'unnamed'}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/** SPDX 2.3 JSON: the image as the described package, every package CONTAINed by it. */
export function encodeSpdxJson(sbom: Sbom): string {
  const extracted = new Map<string, string>();
  const declared = (licenses: readonly string[]): string => {
    if (licenses.length === 0) return 'NOASSERTION';
    const parts = licenses.map((l) => {
      if (isSpdxExpression(l)) return licenses.length > 1 && /\s/.test(l) ? `(${l})` : l;
      const ref = licenseRef(l);
      extracted.set(ref, l);
      return ref;
    });
    return parts.join(' AND ');
  };
  const uuid = serialUuid(sbom);
  const packages: Record<string, unknown>[] = [
    {
      SPDXID: spdxImageId,
      name: sbom.subject.name,
      ...(sbom.subject.digest ? { versionInfo: sbom.subject.digest } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'CONTAINER',
      ...(sbom.subject.digest
        ? { checksums: [{ algorithm: 'SHA256', checksumValue: sbom.subject.digest.replace(/^sha256:/, '') }] }
        : {}),
      ...(sbom.subject.platform ? { comment: `platform ${sbom.subject.platform}` } : {}),
    },
  ];
  if (sbom.distro) {
    packages.push({
      SPDXID: 'SPDXRef-OperatingSystem',
      name: sbom.distro.id,
      ...(sbom.distro.versionId ? { versionInfo: sbom.distro.versionId } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING_SYSTEM',
      ...(sbom.distro.prettyName ? { description: sbom.distro.prettyName } : {}),
    });
  }
  for (const pkg of sbom.packages) {
    const props = packageProperties(pkg);
    packages.push({
      SPDXID: spdxPackageId(pkg.id),
      name: pkg.name,
      versionInfo: pkg.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      ...(archiveSha256(pkg) ? { checksums: [{ algorithm: 'SHA256', checksumValue: archiveSha256(pkg) }] } : {}),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: declared(pkg.licenses),
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: purposes[pkg.type],
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }],
      sourceInfo: `found by ${pkg.foundBy} at ${pkg.locations.map((l) => `${l.path} (layer ${l.layer})`).join(', ')}`,
      annotations: [
        {
          annotationType: 'OTHER',
          annotator: `Tool: ${sbom.tool.name}-${sbom.tool.version}`,
          annotationDate: created(sbom),
          comment: JSON.stringify(Object.fromEntries(props)),
        },
      ],
    });
  }
  for (const exe of sbom.unidentifiedExecutables) {
    packages.push({
      SPDXID: `SPDXRef-${fileRef(exe.path)}`,
      name: exe.path,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'FILE',
      comment: `unidentified executable, layer ${exe.layer}`,
    });
  }
  const relationships: Record<string, string>[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: spdxImageId },
  ];
  if (sbom.distro) {
    relationships.push({
      spdxElementId: spdxImageId,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: 'SPDXRef-OperatingSystem',
    });
  }
  for (const pkg of sbom.packages) {
    relationships.push({
      spdxElementId: spdxImageId,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: spdxPackageId(pkg.id),
    });
  }
  for (const exe of sbom.unidentifiedExecutables) {
    relationships.push({
      spdxElementId: spdxImageId,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: `SPDXRef-${fileRef(exe.path)}`,
    });
  }
  for (const r of sbom.relationships) {
    relationships.push({
      spdxElementId: spdxPackageId(r.from),
      relationshipType: r.type === 'depends-on' ? 'DEPENDS_ON' : 'CONTAINS',
      relatedSpdxElement: spdxPackageId(r.to),
    });
  }
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: sbom.subject.name,
    documentNamespace: `https://sgci.invalid/spdx/${encodeURIComponent(sbom.subject.name)}-${uuid}`,
    creationInfo: {
      created: created(sbom),
      creators: [`Tool: ${sbom.tool.name}-${sbom.tool.version}`],
      ...(sbom.unknowns.length
        ? { comment: sbom.unknowns.map((u) => `sgci:unknown ${formatUnknown(u)}`).join('\n') }
        : {}),
    },
    documentDescribes: [spdxImageId],
    packages,
    relationships,
    ...(extracted.size
      ? {
          hasExtractedLicensingInfos: [...extracted]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([licenseId, name]) => ({ licenseId, name, extractedText: name })),
        }
      : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** SPDX requires a creation time; the image's own `created` keeps the document reproducible. */
function created(sbom: Sbom): string {
  const c = sbom.subject.created ? new Date(sbom.subject.created) : new Date(0);
  return (Number.isNaN(c.getTime()) ? new Date(0) : c).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
