import type { FileEntry } from '../../oci/index.ts';
import { fileCataloger, location, makePackage, purl, wholeExecutable } from '../cataloger.ts';
import type { Package, Relationship } from '../package.ts';
import { type GoBuildInfo, parseGoBuildInfo } from './parse-buildinfo.ts';

export const goCatalogerName = 'go-module-binary-cataloger';

export function goPurl(path: string, version: string | undefined): string {
  const slash = path.lastIndexOf('/');
  const v = version && version !== '(devel)' ? version : undefined;
  return slash > 0
    ? purl('golang', path.slice(0, slash), path.slice(slash + 1), v)
    : purl('golang', undefined, path, v);
}

/** Packages of one Go binary: its main module, every dependency module, and the Go standard library. */
export function goPackages(info: GoBuildInfo, file: FileEntry): { packages: Package[]; relationships: Relationship[] } {
  const locations = [location(file)];
  const packages: Package[] = [];
  const relationships: Relationship[] = [];
  const attributes: Record<string, string> = { goVersion: info.goVersion };
  for (const key of ['GOOS', 'GOARCH', 'vcs.revision', 'vcs.time', '-ldflags']) {
    const v = info.settings.get(key);
    if (v) attributes[key] = v;
  }
  // A GOPATH build (Debian's dh-golang builds) records its main package's path but no module: the
  // binary is named by that path, with no version to claim. The toolchain's own `cmd/…` binaries are
  // the Go distribution, which stdlib below names.
  const gopath = !info.main && info.path !== undefined && !info.path.startsWith('cmd/');
  const mainModule = info.main ?? (gopath && info.path ? { path: info.path, version: '' } : undefined);
  let main: Package | undefined;
  if (mainModule) {
    main = makePackage({
      name: mainModule.path,
      version: mainModule.version,
      ecosystem: 'golang',
      type: 'application',
      purl: goPurl(mainModule.path, mainModule.version),
      locations,
      foundBy: goCatalogerName,
      metadata: {
        kind: 'language',
        attributes: {
          ...attributes,
          ...(info.path ? { mainPackage: info.path } : {}),
          ...(gopath ? { buildMode: 'GOPATH' } : {}),
        },
      },
    });
    packages.push(main);
  }
  for (const dep of info.deps) {
    const pkg = makePackage({
      name: dep.path,
      version: dep.version,
      ecosystem: 'golang',
      purl: goPurl(dep.path, dep.version),
      locations,
      foundBy: goCatalogerName,
      metadata: { kind: 'language', attributes: { goVersion: info.goVersion, ...(dep.sum ? { h1: dep.sum } : {}) } },
    });
    packages.push(pkg);
    if (main) relationships.push({ from: main.id, to: pkg.id, type: 'depends-on' });
  }
  // the standard library is compiled in: its vulnerabilities (Go's `stdlib` in OSV) apply to the binary
  const stdVersion = info.goVersion.replace(/^go/, '').split(/\s/)[0] ?? '';
  if (/^\d/.test(stdVersion)) {
    const std = makePackage({
      name: 'stdlib',
      version: stdVersion,
      ecosystem: 'golang',
      purl: purl('golang', undefined, 'stdlib', stdVersion),
      locations,
      foundBy: goCatalogerName,
      metadata: {
        kind: 'language',
        attributes: { goVersion: info.goVersion, ...(info.path ? { mainPackage: info.path } : {}) },
      },
    });
    packages.push(std);
    if (main) relationships.push({ from: main.id, to: std.id, type: 'depends-on' });
  }
  return { packages, relationships };
}

/** Executables are read whole as they stream by; only the build info is kept. */
export const goCataloger = fileCataloger(goCatalogerName, 'golang', ['language', 'binary', 'installed']).byVisitor(
  wholeExecutable,
  (entry, content) => {
    const info = parseGoBuildInfo(content);
    return info ? goPackages(info, entry) : undefined;
  },
);
