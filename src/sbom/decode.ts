import { PackageURL } from 'packageurl-js';
import type { Sbom } from '../catalog/index.ts';
import {
  type Distro,
  type Ecosystem,
  type Location,
  makePackage,
  type Package,
  type PackageMetadata,
  type Relationship,
} from '../catalog/index.ts';
import { type Digest, isDigest, parseUntrustedJson, SgciError } from '../core/index.ts';
import { parseUnknown } from './unknowns.ts';

const ecosystems: readonly Ecosystem[] = [
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'maven',
  'golang',
  'cargo',
  'nuget',
  'composer',
  'gem',
];

interface Json {
  [key: string]: unknown;
}
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Reads a CycloneDX (1.4–1.6) or SPDX 2.x JSON SBOM back into the model, for vulnerability matching
 * of SBOMs made elsewhere. sgci's own `sgci:` properties restore locations and source packages;
 * foreign SBOMs give what their purls say.
 */
export function decodeSbom(text: string, input: string): Sbom {
  const json = parseUntrustedJson(text, input, 'SBOM_INVALID', 'SBOM');
  if (isObject(json) && json.bomFormat === 'CycloneDX') return decodeCycloneDx(json, input);
  if (isObject(json) && typeof json.spdxVersion === 'string') return decodeSpdx(json, input);
  throw new SgciError('SBOM_INVALID', input, 'neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON');
}

interface Parsed {
  name: string;
  version: string;
  purl: string;
  type: Package['type'];
  licenses: string[];
  props: Map<string, string[]>;
}

function packageFrom(p: Parsed, input: string): Package | undefined {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(p.purl);
  } catch (error) {
    throw new SgciError('SBOM_INVALID', input, `component ${p.name}: invalid purl ${p.purl}`, { cause: error });
  }
  const prop = (k: string) => p.props.get(k)?.[0];
  const ecosystem = (prop('sgci:package:ecosystem') ??
    (ecosystems.includes(parsed.type as Ecosystem) ? parsed.type : 'binary')) as Ecosystem;
  const locations: Location[] = [];
  for (let i = 0; prop(`sgci:location:${i}:path`) !== undefined; i++) {
    locations.push({
      path: prop(`sgci:location:${i}:path`) as string,
      layer: Number(prop(`sgci:location:${i}:layer`) ?? 0),
      evidence: prop(`sgci:location:${i}:evidence`) === 'supporting' ? 'supporting' : 'primary',
    });
  }
  return makePackage({
    name: p.name,
    version: p.version || parsed.version || '',
    ecosystem,
    type: p.type,
    purl: p.purl,
    locations,
    licenses: p.licenses,
    foundBy: prop('sgci:package:foundBy') ?? 'sbom-import',
    metadata: metadataFrom(ecosystem, parsed, prop),
  });
}

function metadataFrom(
  ecosystem: Ecosystem,
  purl: PackageURL,
  prop: (k: string) => string | undefined,
): PackageMetadata {
  const kind = prop('sgci:metadata:kind');
  if (kind === 'binary' || (!kind && ecosystem === 'binary')) {
    return { kind: 'binary', classifier: prop('sgci:metadata:classifier') ?? 'sbom-import' };
  }
  if (ecosystem === 'deb' || ecosystem === 'apk' || ecosystem === 'rpm') {
    // foreign SBOMs carry the source package only in the purl's `upstream` qualifier (`name` or `name@version`)
    const upstream = purl.qualifiers?.upstream;
    const at = upstream?.indexOf('@') ?? -1;
    const sourceName =
      prop('sgci:metadata:sourceName') ?? (upstream ? (at > 0 ? upstream.slice(0, at) : upstream) : purl.name);
    const sourceVersion =
      prop('sgci:metadata:sourceVersion') ?? (upstream && at > 0 ? upstream.slice(at + 1) : (purl.version ?? ''));
    const arch = prop('sgci:metadata:architecture') ?? purl.qualifiers?.arch;
    const epoch = prop('sgci:metadata:epoch') ?? purl.qualifiers?.epoch;
    const release = prop('sgci:metadata:release');
    return {
      kind: ecosystem,
      sourceName,
      sourceVersion,
      ...(arch ? { architecture: arch } : {}),
      ...(epoch ? { epoch: Number(epoch) } : {}),
      ...(release ? { release } : {}),
      ...(prop('sgci:metadata:maintainer') ? { maintainer: prop('sgci:metadata:maintainer') } : {}),
    };
  }
  return { kind: 'language' };
}

const cdxTypes: Record<string, Package['type']> = {
  library: 'library',
  application: 'application',
  framework: 'framework',
  'operating-system': 'operating-system',
  file: 'file',
};

function cdxLicenses(c: Json): string[] {
  const out: string[] = [];
  for (const l of arr(c.licenses)) {
    if (!isObject(l)) continue;
    if (typeof l.expression === 'string') out.push(l.expression);
    else if (isObject(l.license)) {
      const v = str(l.license.id) ?? str(l.license.name);
      if (v) out.push(v);
    }
  }
  return out;
}

function propsOf(c: Json): Map<string, string[]> {
  const props = new Map<string, string[]>();
  for (const p of arr(c.properties)) {
    if (!isObject(p) || typeof p.name !== 'string') continue;
    const list = props.get(p.name) ?? [];
    list.push(str(p.value) ?? '');
    props.set(p.name, list);
  }
  return props;
}

function* flatten(components: unknown[]): Generator<Json> {
  for (const c of components) {
    if (!isObject(c)) continue;
    yield c;
    yield* flatten(arr(c.components));
  }
}

function decodeCycloneDx(json: Json, input: string): Sbom {
  const packages: Package[] = [];
  const refToId = new Map<string, string>();
  const owned: [string, string][] = [];
  const unidentified: { path: string; layer: number }[] = [];
  let distro: Distro | undefined;
  for (const c of flatten(arr(json.components))) {
    const props = propsOf(c);
    const name = str(c.name) ?? '';
    const ref = str(c['bom-ref']);
    if (c.type === 'file' && props.get('sgci:file:unidentified')?.[0] === 'true') {
      unidentified.push({ path: name, layer: Number(props.get('sgci:file:layer')?.[0] ?? 0) });
      continue;
    }
    if (c.type === 'operating-system' && !c.purl) {
      const version = str(c.version);
      const codename = props.get('sgci:distro:versionCodename')?.[0];
      const prettyName = str(c.description);
      const idLike = props.get('sgci:distro:idLike');
      distro = {
        id: name,
        ...(version ? { versionId: version } : {}),
        ...(codename ? { versionCodename: codename } : {}),
        ...(prettyName ? { prettyName } : {}),
        ...(idLike?.length ? { idLike } : {}),
      };
      continue;
    }
    const purl = str(c.purl);
    if (!purl) continue; // nothing to match without a purl
    const pkg = packageFrom(
      {
        name,
        version: str(c.version) ?? '',
        purl,
        type: cdxTypes[str(c.type) ?? ''] ?? 'library',
        licenses: cdxLicenses(c),
        props,
      },
      input,
    );
    if (!pkg) continue;
    packages.push(pkg);
    if (ref) refToId.set(ref, pkg.id);
    const owner = props.get('sgci:package:ownedBy')?.[0];
    if (owner) owned.push([owner, pkg.id]);
  }
  const relationships: Relationship[] = [];
  for (const d of arr(json.dependencies)) {
    if (!isObject(d)) continue;
    const from = refToId.get(str(d.ref) ?? '');
    if (!from) continue;
    for (const t of arr(d.dependsOn)) {
      const to = refToId.get(str(t) ?? '');
      if (to) relationships.push({ from, to, type: 'depends-on' });
    }
  }
  for (const [ownerRef, to] of owned) {
    const from = refToId.get(ownerRef);
    if (from) relationships.push({ from, to, type: 'owns' });
  }
  const metadata = isObject(json.metadata) ? json.metadata : {};
  const subjectComponent = isObject(metadata.component) ? metadata.component : {};
  const subjectProps = propsOf(subjectComponent);
  const version = str(subjectComponent.version);
  const layers: { digest: string; diffId?: string }[] = [];
  for (let i = 0; subjectProps.has(`sgci:image:layer:${i}:digest`); i++) {
    const diffId = subjectProps.get(`sgci:image:layer:${i}:diffId`)?.[0];
    layers.push({ digest: subjectProps.get(`sgci:image:layer:${i}:digest`)?.[0] ?? '', ...(diffId ? { diffId } : {}) });
  }
  const platform = subjectProps.get('sgci:image:platform')?.[0];
  const metaProps = propsOf(metadata);
  const created = metaProps.get('sgci:image:created')?.[0];
  const unknowns = (metaProps.get('sgci:unknown') ?? []).map(parseUnknown);
  return finish({
    subject: {
      name: str(subjectComponent.name) ?? input,
      ...(version && isDigest(version) ? { digest: version } : {}),
      ...(platform ? { platform } : {}),
      ...(layers.length ? { layers } : {}),
      ...(created ? { created } : {}),
    },
    ...(distro ? { distro } : {}),
    packages,
    relationships,
    unidentifiedExecutables: unidentified,
    unknowns,
    tool: { name: 'sgci', version: toolOf(metadata) },
  });
}

function toolOf(metadata: Json): string {
  const tools = isObject(metadata.tools) ? arr(metadata.tools.components) : arr(metadata.tools);
  for (const t of tools) if (isObject(t) && t.name === 'sgci' && typeof t.version === 'string') return t.version;
  return 'unknown';
}

function decodeSpdx(json: Json, input: string): Sbom {
  const packages: Package[] = [];
  const spdxToId = new Map<string, string>();
  const unidentified: { path: string; layer: number }[] = [];
  let distro: Distro | undefined;
  let subjectName = str(json.name) ?? input;
  let digest: Digest | undefined;
  const describes = new Set(arr(json.documentDescribes).map(String));
  for (const rel of arr(json.relationships)) {
    if (isObject(rel) && rel.relationshipType === 'DESCRIBES') describes.add(String(rel.relatedSpdxElement));
  }
  for (const p of arr(json.packages)) {
    if (!isObject(p)) continue;
    const spdxId = str(p.SPDXID) ?? '';
    const name = str(p.name) ?? '';
    if (describes.has(spdxId)) {
      subjectName = name;
      const v = str(p.versionInfo);
      if (v && isDigest(v)) digest = v;
      continue;
    }
    if (p.primaryPackagePurpose === 'FILE' && /unidentified executable/.test(str(p.comment) ?? '')) {
      unidentified.push({ path: name, layer: Number(/layer (\d+)/.exec(str(p.comment) ?? '')?.[1] ?? 0) });
      continue;
    }
    const purlRef = arr(p.externalRefs).find((r) => isObject(r) && r.referenceType === 'purl');
    const purl = isObject(purlRef) ? str(purlRef.referenceLocator) : undefined;
    if (!purl) {
      if (p.primaryPackagePurpose === 'OPERATING_SYSTEM') {
        const v = str(p.versionInfo);
        const d = str(p.description);
        distro = { id: name, ...(v ? { versionId: v } : {}), ...(d ? { prettyName: d } : {}) };
      }
      continue;
    }
    const props = new Map<string, string[]>();
    for (const a of arr(p.annotations)) {
      if (!isObject(a)) continue;
      try {
        const parsed: unknown = JSON.parse(str(a.comment) ?? '');
        if (isObject(parsed))
          for (const [k, v] of Object.entries(parsed)) if (k.startsWith('sgci:')) props.set(k, [String(v)]);
      } catch {
        // a free-text annotation from another tool: not ours to interpret
      }
    }
    const declared = str(p.licenseDeclared);
    const licenses = declared && declared !== 'NOASSERTION' && declared !== 'NONE' ? [declared] : [];
    const purpose = str(p.primaryPackagePurpose)?.toLowerCase().replace('_', '-') ?? 'library';
    const pkg = packageFrom(
      { name, version: str(p.versionInfo) ?? '', purl, type: cdxTypes[purpose] ?? 'library', licenses, props },
      input,
    );
    if (!pkg) continue;
    packages.push(pkg);
    spdxToId.set(spdxId, pkg.id);
  }
  const relationships: Relationship[] = [];
  for (const rel of arr(json.relationships)) {
    if (!isObject(rel)) continue;
    const from = spdxToId.get(str(rel.spdxElementId) ?? '');
    const to = spdxToId.get(str(rel.relatedSpdxElement) ?? '');
    if (!from || !to) continue;
    if (rel.relationshipType === 'DEPENDS_ON') relationships.push({ from, to, type: 'depends-on' });
    else if (rel.relationshipType === 'CONTAINS') relationships.push({ from, to, type: 'owns' });
  }
  const creators = isObject(json.creationInfo) ? arr(json.creationInfo.creators).map(String) : [];
  const comment = isObject(json.creationInfo) ? (str(json.creationInfo.comment) ?? '') : '';
  const unknowns = comment
    .split('\n')
    .filter((l) => l.startsWith('sgci:unknown '))
    .map((l) => parseUnknown(l.slice('sgci:unknown '.length)));
  const tool = creators.find((c) => c.startsWith('Tool: sgci-'))?.slice('Tool: sgci-'.length) ?? 'unknown';
  return finish({
    subject: { name: subjectName, ...(digest ? { digest } : {}) },
    ...(distro ? { distro } : {}),
    packages,
    relationships,
    unidentifiedExecutables: unidentified,
    unknowns,
    tool: { name: 'sgci', version: tool },
  });
}

function finish(sbom: Sbom): Sbom {
  const packages = [...sbom.packages].sort((a, b) =>
    a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : a.id < b.id ? -1 : 1,
  );
  return { ...sbom, packages };
}
