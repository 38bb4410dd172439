import { defaultLimits, type Limits, toolVersion, type Unknown } from '../core/index.ts';
import type { ImageDescription } from '../oci/image/index.ts';
import type { FileNeeds, FileTreeView, FileVisitor, ImageFilesystem, PassPart } from '../oci/index.ts';
import { type CatalogerNeeds, catalogerFailure, compareStrings, describeError } from './cataloger.ts';
import { osReleasePaths, parseOsRelease } from './distro/os-release.ts';
import { createExecutableVisitor, type ExecutableVisitor } from './executables/visitor.ts';
import type { Distro, Package, Relationship } from './package.ts';
import { catalogers } from './registry.ts';
import { type Sbom, type SbomSubject, sbomSubjectOf } from './sbom.ts';

const session = Symbol('sgci.catalog.session');

/**
 * The files all catalogers need, declared before the pass. The object also carries the visitors'
 * state for this one pass: hand the same object to catalogFilesystem after the pass.
 */
export interface CatalogNeeds extends FileNeeds {
  readonly [session]: Session;
}

interface Session {
  readonly parts: readonly { name: string; needs: CatalogerNeeds }[];
  readonly executables: ExecutableVisitor;
}

export function catalogerNeeds(): CatalogNeeds {
  const parts = catalogers.map((c) => ({ name: c.name, needs: c.needs() }));
  const executables = createExecutableVisitor();
  const paths = new Set<string>(osReleasePaths);
  const globs = new Set<string>();
  const visitors: FileVisitor[] = [executables.visitor];
  for (const { needs } of parts) {
    for (const p of needs.paths ?? []) paths.add(p);
    for (const g of needs.globs ?? []) globs.add(g);
    for (const v of needs.visitors ?? []) visitors.push(v);
  }
  return {
    paths: [...paths].sort(),
    globs: [...globs].sort(),
    visitors,
    [session]: { parts, executables },
  };
}

/**
 * Runs every cataloger on the squashed view of a filesystem read with `needs` (from
 * catalogerNeeds()) and assembles the SBOM. Without `needs`, catalogers that work from visitors
 * (binaries, archives) have seen nothing; that is recorded as an unknown.
 */
export async function catalogFilesystem(
  image: ImageDescription,
  fs: ImageFilesystem,
  needs?: CatalogNeeds,
  options: { limits?: Limits; signal?: AbortSignal } = {},
): Promise<Sbom> {
  const subject = sbomSubjectOf(image);
  const result = await catalogTree(fs.squashed, subject, needs, options);
  return { ...result, unknowns: sortUnknowns([...fs.warnings, ...result.unknowns]) };
}

/** The catalogers' part of the single pass: their needs, and the SBOM of what the pass captured as finish step. */
export function catalogPass(
  image: ImageDescription,
  options: { limits?: Limits; signal?: AbortSignal } = {},
): PassPart<ImageFilesystem, Sbom> {
  const needs = catalogerNeeds();
  return { needs, finish: (fs) => catalogFilesystem(image, fs, needs, options) };
}

/** The cataloging step on any tree view (an image's squashed view, a directory, a test tree). */
export async function catalogTree(
  tree: FileTreeView,
  subject: SbomSubject,
  needs?: CatalogNeeds,
  options: { limits?: Limits; signal?: AbortSignal } = {},
): Promise<Sbom> {
  const unknowns: Unknown[] = [];
  let state = needs?.[session];
  if (!state) {
    state = catalogerNeeds()[session];
    unknowns.push({ path: '/', reason: 'catalogued without the pass visitors: binaries and archives not inspected' });
  }
  const distro = await readDistro(tree, unknowns);
  const ctx = {
    fs: tree,
    limits: options.limits ?? defaultLimits,
    ...(distro ? { distro } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  let packages: Package[] = [];
  let relationships: Relationship[] = [];
  for (const part of state.parts) {
    options.signal?.throwIfAborted();
    try {
      const out = await part.needs.catalog(ctx);
      // appended one by one: a spread of a large array overflows the call stack
      for (const p of out.packages) packages.push(p);
      for (const r of out.relationships) relationships.push(r);
      for (const u of out.unknowns) unknowns.push(u);
    } catch (error) {
      // one cataloger failing must not hide what the others found: record it and go on
      unknowns.push(catalogerFailure(part.name, error));
    }
  }
  const owners = ownerIndex(tree, packages);
  ({ packages, relationships } = linkOwnedPackages(packages, relationships, owners));
  const located = languageOwnedPaths(packages);
  const npmDirs = npmPackageDirs(packages);
  const debNames = new Set(packages.filter((p) => p.ecosystem === 'deb').map((p) => p.name));
  const unidentifiedExecutables = state.executables
    .executables(tree)
    .filter(
      (e) =>
        !owners.has(e.path) &&
        !located.has(e.path) &&
        !insideNpmPackage(e.path, npmDirs) &&
        !isMaintainerScript(e.path, debNames),
    )
    .map((e) => ({ path: e.path, layer: e.layer }));

  packages.sort((a, b) => compareStrings(a.purl, b.purl) || compareStrings(a.id, b.id));
  const seen = new Set<string>();
  relationships = relationships
    .filter((r) => {
      const key = `${r.from} ${r.type} ${r.to}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => compareStrings(a.from, b.from) || compareStrings(a.type, b.type) || compareStrings(a.to, b.to));
  return {
    subject,
    ...(distro ? { distro } : {}),
    packages,
    relationships,
    unidentifiedExecutables,
    unknowns: sortUnknowns(unknowns),
    tool: { name: 'sgci', version: toolVersion },
  };
}

/** Paths a catalogued package names: its locations and the files its metadata lists (Python RECORD). */
function languageOwnedPaths(packages: readonly Package[]): Set<string> {
  const paths = new Set<string>();
  for (const p of packages) {
    for (const l of p.locations) paths.add(l.path);
    if (p.metadata.kind === 'language') for (const f of p.metadata.files ?? []) paths.add(f.path);
  }
  return paths;
}

/** Directories of installed npm packages: the files below them (bin scripts, build tools) are theirs. */
function npmPackageDirs(packages: readonly Package[]): Set<string> {
  const dirs = new Set<string>();
  for (const p of packages) {
    if (p.ecosystem !== 'npm') continue;
    const primary = p.locations.find((l) => l.evidence === 'primary');
    if (primary?.path.endsWith('/package.json')) dirs.add(primary.path.slice(0, -'/package.json'.length));
  }
  return dirs;
}

/** Walks up from the file to the nearest package directory, stopping at a nested node_modules. */
function insideNpmPackage(path: string, dirs: ReadonlySet<string>): boolean {
  let dir = path.slice(0, path.lastIndexOf('/'));
  while (dir.length > 0) {
    if (dirs.has(dir)) return true;
    if (dir.endsWith('/node_modules')) return false;
    dir = dir.slice(0, dir.lastIndexOf('/'));
  }
  return false;
}

/**
 * dpkg keeps each installed package's maintainer scripts as /var/lib/dpkg/info/<pkg>[:arch].<script>:
 * part of the package database, not software of their own. A script there naming no installed
 * package stays unidentified.
 */
function isMaintainerScript(path: string, debNames: ReadonlySet<string>): boolean {
  const m =
    /^\/var\/lib\/dpkg\/info\/([^/:]+)(?::[a-z0-9-]+)?\.(?:preinst|postinst|prerm|postrm|config|templates|triggers)$/.exec(
      path,
    );
  return m?.[1] !== undefined && debNames.has(m[1]);
}

async function readDistro(tree: FileTreeView, unknowns: Unknown[]): Promise<Distro | undefined> {
  for (const path of osReleasePaths) {
    const entry = tree.get(path);
    if (!entry) continue;
    try {
      if (!tree.hasContent(entry)) continue;
      const distro = parseOsRelease(new TextDecoder().decode(await tree.read(entry)));
      if (distro) return distro;
    } catch (error) {
      unknowns.push({ path, layer: entry.layer, reason: `cannot read os-release: ${describeError(error)}` });
    }
  }
  return undefined;
}

/**
 * Path -> OS package owning it. Package databases name paths as the package ships them (`/bin/sh`)
 * while merged-/usr images store them under the symlinked directory (`/usr/bin/sh`): both count.
 */
function ownerIndex(tree: FileTreeView, packages: readonly Package[]): Map<string, Package> {
  const owners = new Map<string, Package>();
  const dirCache = new Map<string, string>();
  const realDir = (dir: string): string => {
    let real = dirCache.get(dir);
    if (real === undefined) {
      const entry = tree.get(dir, { followSymlinks: true });
      real = entry?.type === 'dir' ? entry.path : dir;
      dirCache.set(dir, real);
    }
    return real;
  };
  for (const pkg of packages) {
    const m = pkg.metadata;
    if (m.kind !== 'deb' && m.kind !== 'apk' && m.kind !== 'rpm') continue;
    const files = m.files ?? [];
    // indexed: thousands of files a package, mostly before V8 compiles this (an interpreted for-of allocates per step)
    for (let i = 0; i < files.length; i++) {
      const f = files[i] as (typeof files)[number];
      if (!owners.has(f.path)) owners.set(f.path, pkg);
      const slash = f.path.lastIndexOf('/');
      const dir = f.path.slice(0, slash) || '/';
      const real = realDir(dir);
      // most directories are what they say: then the resolved path is the path itself, nothing to build
      if (real === dir && slash > 0 && !f.path.startsWith('//')) continue;
      const joined = `${real}/${f.path.slice(slash + 1)}`;
      const resolved = joined.startsWith('//') ? joined.slice(1) : joined;
      if (!owners.has(resolved)) owners.set(resolved, pkg);
    }
  }
  return owners;
}

/**
 * A language package or binary installed by an OS package (python3-requests' egg-info, Debian's
 * node modules) stays one component and gets an `owns` edge from its OS package. A binary the
 * classifiers recognised inside an OS package is already identified by that package: dropped.
 */
function linkOwnedPackages(
  packages: readonly Package[],
  relationships: readonly Relationship[],
  owners: ReadonlyMap<string, Package>,
): { packages: Package[]; relationships: Relationship[] } {
  const kept: Package[] = [];
  const links: Relationship[] = [];
  for (const pkg of packages) {
    if (pkg.metadata.kind === 'deb' || pkg.metadata.kind === 'apk' || pkg.metadata.kind === 'rpm') {
      kept.push(pkg);
      continue;
    }
    const primary = pkg.locations.find((l) => l.evidence === 'primary') ?? pkg.locations[0];
    const owner = primary ? owners.get(primary.path) : undefined;
    if (owner && pkg.ecosystem === 'binary') continue;
    kept.push(pkg);
    if (owner) links.push({ from: owner.id, to: pkg.id, type: 'owns' });
  }
  return { packages: kept, relationships: [...relationships, ...links] };
}

function sortUnknowns(unknowns: readonly Unknown[]): Unknown[] {
  return [...unknowns].sort(
    (a, b) => compareStrings(a.path, b.path) || (a.layer ?? -1) - (b.layer ?? -1) || compareStrings(a.reason, b.reason),
  );
}
