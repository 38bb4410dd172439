import { requireOnFirstUse } from '../../core/index.ts';
import type { CatalogerOutput, ParsedFile } from '../cataloger.ts';
import { fileCataloger, location, makePackage, purl } from '../cataloger.ts';
import type { Package } from '../package.ts';
import type { PackageJson } from './parse-package-json.ts';

const parser = requireOnFirstUse<typeof import('./parse-package-json.ts')>(import.meta.url, './parse-package-json.ts');

export const npmCatalogerName = 'npm-installed-cataloger';

// Installed packages only: a package.json counts when it sits at the root of a package directory
// (`node_modules/<name>/` or `node_modules/@scope/<name>/`, and Debian's /usr/share/nodejs and
// /usr/lib/nodejs trees); package.json files inside a package's sources (tests, examples) do not.
export const npmCataloger = fileCataloger(npmCatalogerName, 'npm', ['language', 'installed']).byGlob(
  (text) => parser().parsePackageJson(text),
  [
    '**/node_modules/*/package.json',
    '**/node_modules/@*/*/package.json',
    '/usr/share/nodejs/*/package.json',
    '/usr/share/nodejs/@*/*/package.json',
    '/usr/lib/nodejs/*/package.json',
    '/usr/lib/nodejs/@*/*/package.json',
  ],
  buildNpm,
);

export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  return slash > 0
    ? purl('npm', name.slice(0, slash), name.slice(slash + 1), version)
    : purl('npm', undefined, name, version);
}

function buildNpm(files: readonly ParsedFile<PackageJson | undefined>[], out: CatalogerOutput): void {
  const installed: { dir: string; pkg: Package; json: PackageJson }[] = [];
  for (const { entry, value } of files) {
    if (!value) continue;
    const pkg = makePackage({
      name: value.name,
      version: value.version,
      ecosystem: 'npm',
      purl: npmPurl(value.name, value.version),
      locations: [location(entry)],
      licenses: value.licenses,
      foundBy: npmCatalogerName,
      metadata: { kind: 'language', attributes: value.private ? { private: 'true' } : {} },
    });
    out.packages.push(pkg);
    installed.push({ dir: entry.path.slice(0, -'/package.json'.length), pkg, json: value });
  }
  const resolver = moduleResolver(installed);
  for (const { dir, pkg, json } of installed) {
    const targets = new Set<string>();
    for (const dep of json.dependencies) {
      const found = resolver.resolve(dir, dep);
      if (found && found.id !== pkg.id) targets.add(found.id);
    }
    for (const to of [...targets].sort()) out.relationships.push({ from: pkg.id, to, type: 'depends-on' });
  }
}

/**
 * Node's resolution: <dir>/node_modules/<dep>, then the node_modules of each ancestor directory up
 * to the root, then Debian's global module directories. Only directories whose node_modules holds
 * a package matter; each is linked once to the next such ancestor, so a lookup walks those links
 * and never builds a path per ancestor (250 levels x 100,000 dependencies did).
 */
function moduleResolver(installed: readonly { dir: string; pkg: Package }[]): {
  resolve(dir: string, dep: string): Package | undefined;
} {
  const marker = '/node_modules/';
  // dependency name -> directory whose node_modules holds it -> the package
  const holders = new Map<string, Map<string, Package>>();
  const globals = new Map<string, Package>();
  for (const { dir, pkg } of installed) {
    const at = dir.lastIndexOf(marker);
    if (at >= 0) {
      const name = dir.slice(at + marker.length);
      // a scoped package's name spans two segments; deeper paths are no package directory
      if (name.split('/').length !== (name.startsWith('@') ? 2 : 1)) continue;
      let byDir = holders.get(name);
      if (!byDir) {
        byDir = new Map();
        holders.set(name, byDir);
      }
      byDir.set(dir.slice(0, at), pkg);
    }
  }
  for (const root of ['/usr/share/nodejs/', '/usr/lib/nodejs/']) {
    for (const { dir, pkg } of installed) {
      if (dir.startsWith(root) && !globals.has(dir.slice(root.length))) globals.set(dir.slice(root.length), pkg);
    }
  }
  const containers = new Set<string>();
  for (const byDir of holders.values()) for (const dir of byDir.keys()) containers.add(dir);
  // nearest container at or above a directory (node_modules segments are not searched themselves)
  const nearest = new Map<string, string | null>();
  const up = (dir: string): string | null => {
    if (dir === '') return null;
    const parent = dir.slice(0, dir.lastIndexOf('/'));
    return parent.endsWith('/node_modules') ? parent.slice(0, -'/node_modules'.length) : parent;
  };
  const nearestFrom = (start: string | null): string | null => {
    const walked: string[] = [];
    let dir = start;
    let found: string | null = null;
    while (dir !== null) {
      const known = nearest.get(dir);
      if (known !== undefined) {
        found = known;
        break;
      }
      walked.push(dir);
      if (containers.has(dir)) {
        found = dir;
        break;
      }
      dir = up(dir);
    }
    for (const w of walked) nearest.set(w, found);
    return found;
  };
  const next = new Map<string, string | null>();
  const parentOf = (container: string): string | null => {
    let p = next.get(container);
    if (p === undefined) {
      p = nearestFrom(up(container));
      next.set(container, p);
    }
    return p;
  };
  return {
    resolve(dir, dep) {
      const byDir = holders.get(dep);
      if (byDir) {
        for (let c = nearestFrom(dir); c !== null; c = parentOf(c)) {
          const pkg = byDir.get(c);
          if (pkg) return pkg;
        }
      }
      return globals.get(dep);
    },
  };
}
