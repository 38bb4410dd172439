import type { FileEntry } from '../../oci/index.ts';
import {
  type CatalogContext,
  type CatalogerOutput,
  compareStrings,
  emptyOutput,
  fileCataloger,
  location,
  makePackage,
  parseEach,
  purl,
  utf8,
} from '../cataloger.ts';
import { distroQualifier, osNamespace } from '../distro/os-release.ts';
import { normaliseLicense } from '../license.ts';
import type { Distro, Location, OsPackageMetadata, Package } from '../package.ts';
import { parseDebianCopyright } from './parse-copyright.ts';
import { type DpkgEntry, parseDpkgStatus, parseList, parseMd5sums } from './parse-status.ts';

export const dpkgCatalogerName = 'dpkg-db-cataloger';

// Split on purpose: the status database, the per-package ownership lists and the copyright files
// are looked up separately so each glob stays a cheap prefix match.
const statusGlobs = ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/*'];
const infoGlobs = ['/var/lib/dpkg/info/*.list', '/var/lib/dpkg/info/*.md5sums'];
const copyrightGlobs = ['/usr/share/doc/*/copyright'];

export const dpkgCataloger = fileCataloger(dpkgCatalogerName, 'deb', ['os', 'installed']).byFiles(
  [...statusGlobs, ...infoGlobs, ...copyrightGlobs],
  catalogDpkg,
);

interface Found {
  entry: DpkgEntry;
  file: FileEntry;
}

async function catalogDpkg(ctx: CatalogContext): Promise<CatalogerOutput> {
  const out = emptyOutput();
  const found: Found[] = [];
  const statusFiles = await parseEach(ctx, statusGlobs, out, (file, bytes) => {
    if (file.path.endsWith('.md5sums')) return [];
    const problems: string[] = [];
    const entries = parseDpkgStatus(utf8(bytes), problems);
    for (const reason of problems) out.unknowns.push({ path: file.path, layer: file.layer, reason });
    return entries;
  });
  for (const { entry: file, value } of statusFiles) for (const entry of value) found.push({ entry, file });
  if (found.length === 0) return out;

  const owned = await ownedFiles(ctx, out);
  const copyrights = new Map<string, { licenses: string[]; location: Location }>();
  for (const { entry, value } of await parseEach(ctx, copyrightGlobs, out, (_f, b) => parseDebianCopyright(utf8(b)))) {
    const pkg = entry.path.split('/')[4] ?? '';
    copyrights.set(pkg, {
      licenses: value,
      location: { path: entry.path, layer: entry.layer, evidence: 'supporting' },
    });
  }

  const byName = new Map<string, Package>();
  // Each info/<pkg>[:arch].list belongs to one package instance: dpkg names a Multi-Arch: same
  // instance's list <pkg>:<arch>.list and the one other instance's <pkg>.list. Stanzas that repeat
  // a name (which dpkg refuses) therefore share nothing, and the file lists stay as large as the
  // lists themselves, however many stanzas name them.
  const claimed = new Set<string>();
  for (const { entry, file } of found) {
    const qualified =
      entry.architecture && entry.architecture !== 'all' ? `${entry.package}:${entry.architecture}` : '';
    const key = owned.has(qualified) ? qualified : entry.package;
    const files = (!claimed.has(key) && owned.get(key)) || { files: [], locations: [] };
    claimed.add(key);
    const copyright = copyrights.get(entry.package);
    const locations: Location[] = [location(file), ...files.locations, ...(copyright ? [copyright.location] : [])];
    const pkg = makePackage({
      name: entry.package,
      version: entry.version,
      ecosystem: 'deb',
      purl: debianPurl(entry, ctx.distro),
      locations,
      licenses: (copyright?.licenses ?? []).map(normaliseLicense),
      foundBy: dpkgCatalogerName,
      type: 'library',
      layer: introducedIn(file, files.locations),
      metadata: { ...debianMetadata(entry), files: mergeFiles(files.files, entry.conffiles) },
    });
    out.packages.push(pkg);
    if (!byName.has(entry.package)) byName.set(entry.package, pkg);
  }
  addDependencies(found, byName, out);
  return out;
}

/**
 * The purl of an installed Debian package: `pkg:deb/debian/NAME@VERSION?arch=…&distro=debian-12`, with `upstream`
 * naming the source package when it differs from the binary one (purl-spec). `sgci build` writes its SBOM with the
 * same function, so the SBOM of the resolution and the scan of the built image name a package alike.
 */
export function debianPurl(
  entry: Pick<DpkgEntry, 'package' | 'version' | 'architecture' | 'sourceName' | 'sourceVersion'>,
  distro: Distro | undefined,
): string {
  return purl('deb', osNamespace(distro, 'debian'), entry.package, entry.version, {
    arch: entry.architecture,
    distro: distroQualifier(distro),
    upstream:
      entry.sourceName !== entry.package || entry.sourceVersion !== entry.version
        ? entry.sourceVersion !== entry.version
          ? `${entry.sourceName}@${entry.sourceVersion}`
          : entry.sourceName
        : undefined,
  });
}

/**
 * dpkg rewrites the shared status file in every layer that installs anything; a package's own
 * info/<pkg>.list and .md5sums (or its status.d file) are written by the layer that installed this
 * version of it, so they tell the introducing layer.
 */
function introducedIn(statusFile: FileEntry, owned: readonly Location[]): number {
  if (statusFile.path.includes('/status.d/')) return statusFile.layer;
  let layer = owned.length > 0 ? 0 : statusFile.layer;
  for (const l of owned) layer = Math.max(layer, l.layer);
  return layer;
}

/** What the dpkg database says of an installed package besides its files; `sgci build`'s SBOM says the same. */
export function debianMetadata(entry: DpkgEntry): OsPackageMetadata & { kind: 'deb' } {
  return {
    kind: 'deb',
    ...(entry.architecture ? { architecture: entry.architecture } : {}),
    sourceName: entry.sourceName,
    sourceVersion: entry.sourceVersion,
    ...(entry.maintainer ? { maintainer: entry.maintainer } : {}),
    ...(entry.installedSize !== undefined ? { installedSize: entry.installedSize } : {}),
    ...epochOf(entry.version),
  };
}

function epochOf(version: string): { epoch?: number } {
  const m = /^(\d+):/.exec(version);
  return m ? { epoch: Number(m[1]) } : {};
}

/** `info/<pkg>[:<arch>].list` and `.md5sums` (or `status.d/<pkg>.md5sums`): who owns which file. */
async function ownedFiles(
  ctx: CatalogContext,
  out: CatalogerOutput,
): Promise<Map<string, { files: { path: string; digest?: string }[]; locations: Location[] }>> {
  const result = new Map<string, { files: Map<string, string | undefined>; locations: Location[] }>();
  const slot = (name: string) => {
    let s = result.get(name);
    if (!s) {
      s = { files: new Map(), locations: [] };
      result.set(name, s);
    }
    return s;
  };
  const globs = [...infoGlobs, '/var/lib/dpkg/status.d/*.md5sums'];
  for (const { entry, value } of await parseEach(ctx, globs, out, (file, bytes) => {
    const text = utf8(bytes);
    return file.path.endsWith('.md5sums') ? parseMd5sums(text) : parseList(text).map((path) => ({ path }));
  })) {
    const base = entry.path.slice(entry.path.lastIndexOf('/') + 1).replace(/\.(list|md5sums)$/, '');
    const s = slot(base);
    s.locations.push({ path: entry.path, layer: entry.layer, evidence: 'supporting' });
    // indexed: thousands of files a package, mostly before V8 compiles this (an interpreted for-of allocates per step)
    for (let i = 0; i < value.length; i++) {
      const f = value[i] as (typeof value)[number];
      // .list names directories too; keep only what is not a directory in the image
      if (!('digest' in f) && ctx.fs.get(f.path)?.type === 'dir') continue;
      const digest = 'digest' in f ? (f.digest as string) : undefined;
      if (digest || !s.files.has(f.path)) s.files.set(f.path, digest);
    }
  }
  const final = new Map<string, { files: { path: string; digest?: string }[]; locations: Location[] }>();
  for (const [name, s] of result) {
    const files = [...s.files]
      .map(([path, digest]) => (digest ? { path, digest } : { path }))
      .sort((a, b) => compareStrings(a.path, b.path));
    final.set(name, { files, locations: s.locations });
  }
  return final;
}

function mergeFiles(
  files: readonly { path: string; digest?: string }[],
  conffiles: readonly { path: string; digest?: string }[],
): { path: string; digest?: string }[] {
  const map = new Map<string, { path: string; digest?: string }>();
  for (const f of files) map.set(f.path, f);
  for (const f of conffiles) if (!map.has(f.path)) map.set(f.path, f);
  return [...map.values()].sort((a, b) => compareStrings(a.path, b.path));
}

/** Depends groups become edges to the first alternative that is installed (by name or Provides). */
function addDependencies(found: readonly Found[], byName: ReadonlyMap<string, Package>, out: CatalogerOutput): void {
  const provided = new Map<string, Package>();
  for (const { entry } of found) {
    const pkg = byName.get(entry.package);
    if (!pkg) continue;
    for (const p of entry.provides) if (!provided.has(p)) provided.set(p, pkg);
  }
  const edges = new Set<string>();
  for (const { entry } of found) {
    const from = byName.get(entry.package);
    if (!from) continue;
    for (const group of entry.depends) {
      for (const alt of group.split('|')) {
        const name =
          alt
            .trim()
            .split(/[\s(]/)[0]
            ?.replace(/:[a-z0-9-]+$/, '') ?? '';
        const to = byName.get(name) ?? provided.get(name);
        if (to) {
          if (to.id !== from.id) edges.add(`${from.id} ${to.id}`);
          break;
        }
      }
    }
  }
  for (const edge of [...edges].sort()) {
    const [from = '', to = ''] = edge.split(' ');
    out.relationships.push({ from, to, type: 'depends-on' });
  }
}
