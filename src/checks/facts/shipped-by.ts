import type { Package } from '../../catalog/index.ts';
import type { Sbom } from '../../sbom/index.ts';
import type { FileDigests } from '../check.ts';
import { ownerIndex, ownerOf } from './owners.ts';

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/**
 * The directory an installed language package unpacks into, read from where it was catalogued:
 * `…/node_modules/<name>/package.json` (npm), `<base>/specifications/<name>-<version>.gemspec` with its files in
 * `<base>/gems/<name>-<version>` (RubyGems), `<vendor>/composer/installed.json` with each package in
 * `<vendor>/<vendor-name>/<name>` (Composer). Python packages list their files (RECORD), OS packages theirs.
 */
function packageRoot(pkg: Package): string | undefined {
  const path = pkg.locations.find((l) => l.evidence === 'primary')?.path ?? pkg.locations[0]?.path;
  if (!path) return undefined;
  if (pkg.ecosystem === 'npm' && path.endsWith('/package.json') && /\/(?:node_modules|nodejs)\//.test(path))
    return dirname(path);
  if (pkg.ecosystem === 'gem') {
    const at = path.lastIndexOf('/specifications/');
    if (at >= 0 && path.endsWith('.gemspec'))
      return `${path.slice(0, at)}/gems/${path.slice(path.lastIndexOf('/') + 1, -'.gemspec'.length)}`;
  }
  if (pkg.ecosystem === 'composer' && path.endsWith('/composer/installed.json') && pkg.name.includes('/'))
    return `${dirname(dirname(path))}/${pkg.name}`;
  return undefined;
}

const rootsCache = new WeakMap<Sbom, ReadonlyMap<string, Package>>();

function rootsOf(sbom: Sbom): ReadonlyMap<string, Package> {
  const cached = rootsCache.get(sbom);
  if (cached) return cached;
  const roots = new Map<string, Package>();
  for (const pkg of sbom.packages) {
    const directory = packageRoot(pkg);
    if (directory && !roots.has(directory)) roots.set(directory, pkg);
  }
  rootsCache.set(sbom, roots);
  return roots;
}

/** The deepest package directory above `path`: a module in another module's node_modules is the inner one's. */
function underRoot(roots: ReadonlyMap<string, Package>, path: string): Package | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const pkg = roots.get(dir);
    if (pkg) return pkg;
    if (dir === '/') return undefined;
  }
}

/**
 * Whether the file at `layer:path` still has the content its OS package recorded: only then did the package ship
 * it. A conffile the image's build edited (a password written into /etc/…) is the image's own. Unverifiable files
 * (no recorded checksum, one sgci does not compare here, as rpm's sha256, or one the pass did not take for this
 * file: `untaken`, no digest) count as changed.
 */
function unchangedFromPackage(pkg: Package, path: string, layer: number, digests: FileDigests | undefined): boolean {
  const files = 'files' in pkg.metadata ? (pkg.metadata.files ?? []) : [];
  const recorded = files.find((f) => f.path === path || `/usr${f.path}` === path || f.path === `/usr${path}`)?.digest;
  const [algorithm, hex] = recorded?.split(':') ?? [];
  const actual = algorithm === 'md5' ? digests?.md5 : algorithm === 'sha1' ? digests?.sha1 : undefined;
  return hex !== undefined && actual?.get(`${layer}:${path}`) === hex;
}

/**
 * The published package a file ships in, if any: a file under an installed npm, gem or Composer package's
 * directory, a file a Python package's RECORD lists, or a file a dpkg/rpm/apk package installed unchanged.
 * Such a file is the package author's, not the image's.
 */
export function shippedBy(
  sbom: Sbom | undefined,
  digests: FileDigests | undefined,
  path: string,
  layer: number,
): Package | undefined {
  if (!sbom) return undefined;
  const listed = ownerOf(ownerIndex(sbom), path);
  if (listed) {
    const os = listed.metadata.kind === 'deb' || listed.metadata.kind === 'apk' || listed.metadata.kind === 'rpm';
    if (!os || unchangedFromPackage(listed, path, layer, digests)) return listed;
    return undefined;
  }
  return underRoot(rootsOf(sbom), path);
}
