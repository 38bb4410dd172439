import type { Sbom } from '../catalog/index.ts';
import { compareText } from './collate.ts';
import { type CdxComponent, type CdxLicense, cycloneDxDocument } from './cyclonedx-components.ts';

/**
 * CycloneDX 1.6 JSON written directly: a plain JSON document, so `sgci sbom` does not load the CycloneDX library
 * (about 0.04 s of a CLI run, issue 17). The bytes are those of the library's JsonSerializer with
 * `sortLists: true, space: 2` — its key order, its omissions (empty version, no hashes, no properties) and its
 * sort orders, `localeCompare`'s (collate.ts) included; `cyclonedx-json.test.ts` compares both on generated SBOMs and every
 * output is validated against the CycloneDX schema in the sbom tests.
 */

const schemaUrl = 'http://cyclonedx.org/schema/bom-1.6.schema.json';
/** The hash contents CycloneDX 1.6 allows; the library drops any other. */
const hashValue =
  /^([a-fA-F0-9]{32})$|^([a-fA-F0-9]{40})$|^([a-fA-F0-9]{64})$|^([a-fA-F0-9]{96})$|^([a-fA-F0-9]{128})$/;

type Json = Record<string, unknown>;

function byProperty(a: [string, string], b: [string, string]): number {
  return compareText(a[0], b[0]) || compareText(a[1], b[1]);
}

function properties(list: readonly [string, string][]): Json[] | undefined {
  if (list.length === 0) return undefined;
  return [...list].sort(byProperty).map(([name, value]) => ({ name, value }));
}

/** The library orders licenses by class (LicenseExpression, NamedLicense, SpdxLicense), then by text. */
const licenseClass: Record<CdxLicense['kind'], string> = {
  expression: 'LicenseExpression',
  named: 'NamedLicense',
  spdx: 'SpdxLicense',
};

function licenseText(l: CdxLicense): string {
  return l.kind === 'spdx' ? l.id : l.kind === 'named' ? l.name : l.expression;
}

function licenses(list: readonly CdxLicense[]): Json[] | undefined {
  if (list.length === 0) return undefined;
  const sorted = [...list].sort((a, b) =>
    a.kind === b.kind
      ? compareText(licenseText(a), licenseText(b))
      : compareText(licenseClass[a.kind], licenseClass[b.kind]),
  );
  // CycloneDX allows one expression or a list of licenses: the library keeps only the first expression
  const expression = sorted.length > 1 ? sorted.find((l) => l.kind === 'expression') : undefined;
  return (expression ? [expression] : sorted).map((l) =>
    l.kind === 'expression'
      ? { expression: l.expression }
      : { license: l.kind === 'spdx' ? { id: l.id } : { name: l.name } },
  );
}

/** The library's Component.compare: bom-ref, then purl where both have one, else (group,) name and version. */
function byComponent(a: CdxComponent, b: CdxComponent): number {
  const refs = compareText(a.bomRef ?? '', b.bomRef ?? '');
  if (refs !== 0) return refs;
  if (a.purl !== undefined && b.purl !== undefined) return compareText(a.purl, b.purl);
  return compareText(a.name, b.name) || compareText(a.version ?? '', b.version ?? '');
}

function componentJson(c: CdxComponent): Json {
  return {
    type: c.type,
    name: c.name,
    version: c.version || undefined,
    'bom-ref': c.bomRef || undefined,
    description: c.description || undefined,
    // a hash CycloneDX does not allow is left out of the list, not the list: the library writes `[]`
    hashes:
      c.sha256 === undefined ? undefined : hashValue.test(c.sha256) ? [{ alg: 'SHA-256', content: c.sha256 }] : [],
    licenses: licenses(c.licenses),
    purl: c.purl,
    properties: properties(c.properties),
  };
}

function components(list: readonly CdxComponent[]): Json[] {
  return [...list].sort(byComponent).map(componentJson);
}

/** Every component with a bom-ref, the image first as the library gathers them, sorted by ref. */
function dependencies(image: CdxComponent, list: readonly CdxComponent[]): Json[] {
  const all = [image, ...list];
  const known = new Set(all);
  const out: { ref: string; dependsOn: string[] | undefined }[] = [];
  for (const c of all) {
    if (!c.bomRef) continue;
    const on: string[] = [];
    for (const d of c.dependsOn) if (d !== c && known.has(d) && d.bomRef) on.push(d.bomRef);
    on.sort(compareText);
    out.push({ ref: c.bomRef, dependsOn: on.length > 0 ? on : undefined });
  }
  return out.sort((a, b) => compareText(a.ref, b.ref));
}

/** CycloneDX 1.6 JSON of the SBOM; the same SBOM always gives the same bytes. */
export function encodeCycloneDxJson(sbom: Sbom): string {
  const doc = cycloneDxDocument(sbom);
  const bom = {
    $schema: schemaUrl,
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    serialNumber: doc.serialNumber,
    metadata: {
      tools: { components: components([doc.tool]) },
      component: componentJson(doc.image),
      properties: properties(doc.metadataProperties),
    },
    components: components(doc.components),
    dependencies: dependencies(doc.image, doc.components),
  };
  return `${JSON.stringify(bom, null, 2)}\n`;
}
