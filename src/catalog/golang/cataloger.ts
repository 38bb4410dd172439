import type { FileEntry } from '../../oci/types.ts';
import {
  type CatalogContext,
  type Cataloger,
  type CatalogerOutput,
  describeError,
  emptyOutput,
  makePackage,
  purl,
} from '../cataloger.ts';
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
  const location = [{ path: file.path, layer: file.layer, evidence: 'primary' as const }];
  const packages: Package[] = [];
  const relationships: Relationship[] = [];
  const attributes: Record<string, string> = { goVersion: info.goVersion };
  for (const key of ['GOOS', 'GOARCH', 'vcs.revision', 'vcs.time', '-ldflags']) {
    const v = info.settings.get(key);
    if (v) attributes[key] = v;
  }
  let main: Package | undefined;
  if (info.main) {
    main = makePackage({
      name: info.main.path,
      version: info.main.version,
      ecosystem: 'golang',
      type: 'application',
      purl: goPurl(info.main.path, info.main.version),
      locations: location,
      foundBy: goCatalogerName,
      metadata: { kind: 'language', attributes: { ...attributes, ...(info.path ? { mainPackage: info.path } : {}) } },
    });
    packages.push(main);
  }
  for (const dep of info.deps) {
    const pkg = makePackage({
      name: dep.path,
      version: dep.version,
      ecosystem: 'golang',
      purl: goPurl(dep.path, dep.version),
      locations: location,
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
      locations: location,
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
export const goCataloger: Cataloger = {
  name: goCatalogerName,
  ecosystem: 'golang',
  tags: ['language', 'binary', 'installed'],
  needs() {
    const seen = new Map<string, { file: FileEntry; result?: ReturnType<typeof goPackages>; problem?: string }>();
    return {
      visitors: [
        {
          name: goCatalogerName,
          wants: (entry) =>
            entry.type === 'file' && (entry.mode & 0o111) !== 0 && entry.size > 64 ? entry.size : undefined,
          visit: (entry, content) => {
            try {
              const info = parseGoBuildInfo(content);
              if (info) seen.set(`${entry.layer}\0${entry.path}`, { file: entry, result: goPackages(info, entry) });
            } catch (error) {
              seen.set(`${entry.layer}\0${entry.path}`, { file: entry, problem: describeError(error) });
            }
          },
        },
      ],
      async catalog(ctx: CatalogContext): Promise<CatalogerOutput> {
        const out = emptyOutput();
        for (const { file, result, problem } of seen.values()) {
          if (ctx.fs.get(file.path)?.layer !== file.layer) continue;
          if (result) {
            out.packages.push(...result.packages);
            out.relationships.push(...result.relationships);
          }
          if (problem) out.unknowns.push({ path: file.path, layer: file.layer, reason: problem });
        }
        return out;
      },
    };
  },
};
