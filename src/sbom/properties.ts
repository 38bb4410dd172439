import type { Package, PackageMetadata } from '../catalog/index.ts';

/**
 * The sgci facts that CycloneDX and SPDX have no field for, as `sgci:` name/value pairs (the
 * CycloneDX property taxonomy style). decodeSbom reads them back.
 */
export function packageProperties(pkg: Package): [string, string][] {
  const props: [string, string][] = [
    ['sgci:package:foundBy', pkg.foundBy],
    ['sgci:package:ecosystem', pkg.ecosystem],
    ['sgci:package:layer', String(pkg.layer)],
  ];
  pkg.locations.forEach((l, i) => {
    props.push([`sgci:location:${i}:path`, l.path], [`sgci:location:${i}:layer`, String(l.layer)]);
    props.push([`sgci:location:${i}:evidence`, l.evidence]);
  });
  for (const p of metadataProperties(pkg.metadata)) props.push(p);
  return props;
}

function metadataProperties(m: PackageMetadata): [string, string][] {
  const props: [string, string][] = [['sgci:metadata:kind', m.kind]];
  if (m.kind === 'binary') {
    props.push(['sgci:metadata:classifier', m.classifier]);
    return props;
  }
  if (m.kind === 'language') {
    for (const [k, v] of Object.entries(m.attributes ?? {})) props.push([`sgci:metadata:attribute:${k}`, v]);
  } else {
    const fields: [string, string | number | undefined][] = [
      ['architecture', m.architecture],
      ['sourceName', m.sourceName],
      ['sourceVersion', m.sourceVersion],
      ['maintainer', m.maintainer],
      ['installedSize', m.installedSize],
      ['epoch', m.epoch],
      ['release', m.release],
    ];
    for (const [k, v] of fields) if (v !== undefined && v !== '') props.push([`sgci:metadata:${k}`, String(v)]);
  }
  if (m.files?.length) props.push(['sgci:metadata:fileCount', String(m.files.length)]);
  return props;
}

/** The sha256 of the archive an OS package was installed from, where recorded (packages built by `sgci build`). */
export function archiveSha256(pkg: Package): string | undefined {
  return 'archiveSha256' in pkg.metadata ? pkg.metadata.archiveSha256 : undefined;
}
