import { describe, isSgciError, openZip, ZipBudget, type ZipEntry, type ZipReader } from '../../core/index.ts';
import { normaliseLicense } from '../license.ts';

/** One Maven artifact found in a Java archive (its own, a shaded one, or a nested jar's). */
export interface JavaArtifact {
  readonly groupId?: string;
  readonly artifactId: string;
  readonly version: string;
  readonly licenses: readonly string[];
  /** `app.war!WEB-INF/lib/x.jar` style path inside the archive the cataloger saw. */
  readonly archivePath: string;
  /** Where the coordinates came from: pom.properties beats pom.xml beats MANIFEST.MF + file name. */
  readonly source: 'pom.properties' | 'pom.xml' | 'manifest';
}

/** MANIFEST.MF main section: `Name: value`, continuation lines start with one space (72-byte lines). */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw === '') {
      if (out.size > 0) break; // end of the main section; per-entry sections follow
      continue;
    }
    if (raw.startsWith(' ') && last) {
      out.set(last, `${out.get(last) ?? ''}${raw.slice(1)}`);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    last = raw.slice(0, colon).trim();
    out.set(last, raw.slice(colon + 1).trim());
  }
  return out;
}

/** pom.properties: java.util.Properties syntax (`key=value` or `key:value`, `#` comments). */
export function parsePomProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m?.[1]) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}

/** Coordinates and license names of a pom.xml's own project (not its `<parent>`). */
export function parsePomXml(text: string): {
  groupId?: string;
  artifactId?: string;
  version?: string;
  licenses: string[];
} {
  const body = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<parent>[\s\S]*?<\/parent>/, '');
  const project = body.replace(
    /<(dependencies|dependencyManagement|build|profiles|plugins|modules|properties)>[\s\S]*?<\/\1>/g,
    '',
  );
  const tag = (name: string) => new RegExp(`<${name}>\\s*([^<]+?)\\s*</${name}>`).exec(project)?.[1];
  const parent = /<parent>([\s\S]*?)<\/parent>/.exec(text)?.[1] ?? '';
  const parentGroup = /<groupId>\s*([^<]+?)\s*<\/groupId>/.exec(parent)?.[1];
  const parentVersion = /<version>\s*([^<]+?)\s*<\/version>/.exec(parent)?.[1];
  const licenses: string[] = [];
  for (const m of body.matchAll(/<license>[\s\S]*?<name>\s*([^<]+?)\s*<\/name>[\s\S]*?<\/license>/g))
    if (m[1]) licenses.push(m[1]);
  const groupId = tag('groupId') ?? parentGroup;
  const artifactId = tag('artifactId');
  const version = tag('version') ?? parentVersion;
  return {
    ...(groupId ? { groupId } : {}),
    ...(artifactId ? { artifactId } : {}),
    ...(version ? { version } : {}),
    licenses,
  };
}

const maxNesting = 4;
const archiveName = /\.(?:jar|war|ear|jpi|hpi|par|sar|nar|kar|rar)$/i;

export function isJavaArchive(path: string): boolean {
  return archiveName.test(path);
}

/**
 * Every artifact in a Java archive: each pom.properties (shaded jars carry several), the pom.xml
 * of the archive when it has no pom.properties, else the manifest with the file name as fallback;
 * then the same for nested archives (Spring Boot BOOT-INF/lib, WEB-INF/lib), to a bounded depth.
 * The whole archive tree shares one zip budget; an entry or nested archive that cannot be read is
 * a problem, and the artifacts found elsewhere in the tree still count.
 */
export function parseJavaArchive(
  bytes: Uint8Array,
  path: string,
  problems: string[] = [],
  budget: ZipBudget = new ZipBudget(),
): JavaArtifact[] {
  const out: JavaArtifact[] = [];
  collectArtifacts(openZip(bytes, path, budget), path, problems, budget, 0, out);
  return out;
}

function collectArtifacts(
  zip: ZipReader,
  path: string,
  problems: string[],
  budget: ZipBudget,
  depth: number,
  out: JavaArtifact[],
): void {
  const text = (entry: ZipEntry | undefined): string | undefined => {
    if (!entry) return undefined;
    try {
      return new TextDecoder().decode(zip.read(entry));
    } catch (error) {
      problems.push(problemOf(`${path}!${entry.name}`, error));
      return undefined;
    }
  };
  const manifestText = text(zip.get('META-INF/MANIFEST.MF'));
  const manifest = manifestText ? parseManifest(manifestText) : new Map<string, string>();
  const manifestLicenses = licensesFromManifest(manifest);
  const fromPom: JavaArtifact[] = [];
  for (const e of zip.entries) {
    if (!e.name.endsWith('pom.properties') || e.directory) continue;
    const propsText = text(e);
    if (propsText === undefined) continue;
    const props = parsePomProperties(propsText);
    const artifactId = props.get('artifactId');
    const version = props.get('version');
    if (!artifactId || !version) continue;
    const pomXml = text(zip.get(e.name.replace(/pom\.properties$/, 'pom.xml')));
    const groupId = props.get('groupId');
    fromPom.push({
      ...(groupId ? { groupId } : {}),
      artifactId,
      version,
      licenses: pomXml ? parsePomXml(pomXml).licenses.map(normaliseLicense) : [],
      archivePath: path,
      source: 'pom.properties',
    });
  }
  if (fromPom.length === 0) {
    for (const e of zip.entries) {
      if (!/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.xml$/.test(e.name)) continue;
      const pomText = text(e);
      if (pomText === undefined) continue;
      const pom = parsePomXml(pomText);
      if (pom.artifactId && pom.version) {
        fromPom.push({
          ...(pom.groupId ? { groupId: pom.groupId } : {}),
          artifactId: pom.artifactId,
          version: pom.version,
          licenses: pom.licenses.map(normaliseLicense),
          archivePath: path,
          source: 'pom.xml',
        });
      }
    }
  }
  if (fromPom.length > 0) {
    // the archive's own artifact gets the manifest's licenses (Jenkins plugins declare them there)
    for (const a of fromPom)
      out.push(a.licenses.length === 0 && fromPom.length === 1 ? { ...a, licenses: manifestLicenses } : a);
  } else {
    const fromManifest = artifactFromManifest(manifest, path, manifestLicenses);
    if (fromManifest) out.push(fromManifest);
  }
  if (depth >= maxNesting) return;
  for (const e of zip.entries) {
    if (e.directory || !isJavaArchive(e.name)) continue;
    const inner = `${path}!${e.name}`;
    try {
      collectArtifacts(openZip(zip.read(e), inner, budget), inner, problems, budget, depth + 1, out);
    } catch (error) {
      problems.push(problemOf(inner, error));
    }
    // what is left of the tree would be refused the same way: one problem says so
    if (budget.exhausted) return;
  }
}

/** SgciErrors name their input already; anything else gets the place it came from. */
function problemOf(where: string, error: unknown): string {
  return isSgciError(error) ? error.message : `${where}: ${describe(error)}`;
}

function licensesFromManifest(manifest: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of manifest) if (/^Plugin-License-Name(-\d+)?$/.test(k) && v) out.push(normaliseLicense(v));
  const bundle = manifest.get('Bundle-License');
  if (bundle && !/^https?:/.test(bundle)) out.push(normaliseLicense(bundle.split(';')[0] ?? bundle));
  return out;
}

/**
 * Offline fallback without pom files: the manifest's Implementation/Specification/Bundle fields,
 * then `name-1.2.3.jar`. The group comes from Implementation-Vendor-Id, Bundle-SymbolicName or the
 * first exported package; it stays empty rather than guessed further.
 */
function artifactFromManifest(
  manifest: ReadonlyMap<string, string>,
  path: string,
  licenses: string[],
): JavaArtifact | undefined {
  const file = path.slice(path.lastIndexOf('/') + 1).replace(archiveName, '');
  const fileMatch = /^(.+?)-(\d[\w.+-]*)$/.exec(file);
  const artifactId =
    manifest.get('Implementation-Title') ??
    manifest.get('Specification-Title') ??
    fileMatch?.[1] ??
    manifest.get('Bundle-Name') ??
    file;
  const version =
    manifest.get('Implementation-Version') ??
    manifest.get('Specification-Version') ??
    manifest.get('Bundle-Version') ??
    fileMatch?.[2];
  if (!artifactId || !version) return undefined;
  const symbolic = manifest.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const exported = manifest.get('Export-Package')?.split(/[;,]/)[0]?.trim();
  const groupId =
    manifest.get('Implementation-Vendor-Id') ??
    (symbolic?.includes('.') ? symbolic.slice(0, symbolic.lastIndexOf('.')) : undefined) ??
    (exported?.includes('.') ? exported.split('.').slice(0, 2).join('.') : undefined);
  return { ...(groupId ? { groupId } : {}), artifactId, version, licenses, archivePath: path, source: 'manifest' };
}
