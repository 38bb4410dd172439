import { type CatalogerOutput, fileCataloger, location, makePackage, type ParsedFile, purl } from '../cataloger.ts';
import type { Package } from '../package.ts';
import { type PackageJson, parsePackageJson } from './parse-package-json.ts';

export const npmCatalogerName = 'npm-installed-cataloger';

// Installed packages only: a package.json counts when it sits at the root of a package directory
// (`node_modules/<name>/` or `node_modules/@scope/<name>/`, and Debian's /usr/share/nodejs and
// /usr/lib/nodejs trees); package.json files inside a package's sources (tests, examples) do not.
export const npmCataloger = fileCataloger(npmCatalogerName, 'npm', ['language', 'installed']).byGlob(
  parsePackageJson,
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
  const byDir = new Map<string, { pkg: Package; json: PackageJson }>();
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
    byDir.set(entry.path.slice(0, -'/package.json'.length), { pkg, json: value });
  }
  // Node's resolution: <dir>/node_modules/<dep>, then each ancestor's node_modules, up to the root
  for (const [dir, { pkg, json }] of byDir) {
    const targets = new Set<string>();
    for (const dep of json.dependencies) {
      const found = resolveDependency(byDir, dir, dep);
      if (found && found.id !== pkg.id) targets.add(found.id);
    }
    for (const to of [...targets].sort()) out.relationships.push({ from: pkg.id, to, type: 'depends-on' });
  }
}

function resolveDependency(
  byDir: ReadonlyMap<string, { pkg: Package }>,
  dir: string,
  dep: string,
): Package | undefined {
  let current = dir;
  for (;;) {
    const candidate = byDir.get(`${current}/node_modules/${dep}`);
    if (candidate) return candidate.pkg;
    if (current === '') break;
    current = current.slice(0, current.lastIndexOf('/'));
    // skip over the node_modules segment itself (…/node_modules/a -> …)
    if (current.endsWith('/node_modules')) current = current.slice(0, -'/node_modules'.length);
  }
  // Debian's global module directories are on every module's path
  return byDir.get(`/usr/share/nodejs/${dep}`)?.pkg ?? byDir.get(`/usr/lib/nodejs/${dep}`)?.pkg;
}
