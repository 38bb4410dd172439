import { requireOnFirstUse } from '../../core/index.ts';
import {
  type CatalogContext,
  type CatalogerOutput,
  fileCataloger,
  location,
  makePackage,
  type ParsedFile,
  purl,
} from '../cataloger.ts';
import { distroQualifier, osNamespace } from '../distro/os-release.ts';
import { isSpdxExpression, normaliseLicense } from '../license.ts';
import type { Package } from '../package.ts';
import type { ApkEntry } from './parse-installed.ts';

const parser = requireOnFirstUse<typeof import('./parse-installed.ts')>(import.meta.url, './parse-installed.ts');

export const apkCatalogerName = 'apk-db-cataloger';

export const apkCataloger = fileCataloger(apkCatalogerName, 'apk', ['os', 'installed']).byGlob(
  (text) => parser().parseApkInstalled(text),
  ['/lib/apk/db/installed'],
  buildApk,
);

/** Old databases list licenses space-separated (`MIT BSD GPL2+`); newer ones hold an SPDX expression. */
export function apkLicenses(value: string | undefined): string[] {
  if (!value) return [];
  if (isSpdxExpression(value)) return [value];
  return value
    .split(/\s+/)
    .filter((w) => w && !/^(AND|OR|WITH)$/i.test(w))
    .map(normaliseLicense);
}

function buildApk(files: readonly ParsedFile<ApkEntry[]>[], out: CatalogerOutput, ctx: CatalogContext): void {
  const namespace = osNamespace(ctx.distro, 'alpine');
  const distro = distroQualifier(ctx.distro);
  for (const { entry: file, value } of files) {
    const byName = new Map<string, Package>();
    const providers = new Map<string, Package>();
    for (const e of value) {
      const pkg = makePackage({
        name: e.package,
        version: e.version,
        ecosystem: 'apk',
        purl: purl('apk', namespace, e.package, e.version, {
          arch: e.architecture,
          distro,
          upstream: e.origin && e.origin !== e.package ? e.origin : undefined,
        }),
        locations: [location(file)],
        licenses: apkLicenses(e.license),
        foundBy: apkCatalogerName,
        metadata: {
          kind: 'apk',
          ...(e.architecture ? { architecture: e.architecture } : {}),
          sourceName: e.origin ?? e.package,
          sourceVersion: e.version,
          ...(e.maintainer ? { maintainer: e.maintainer } : {}),
          files: e.files,
        },
      });
      out.packages.push(pkg);
      byName.set(e.package, pkg);
      providers.set(e.package, pkg);
      for (const p of e.provides) {
        const name = parser().dependencyToken(p);
        if (name && !providers.has(name)) providers.set(name, pkg);
      }
    }
    for (const e of value) {
      const from = byName.get(e.package);
      if (!from) continue;
      const targets = new Set<string>();
      for (const d of e.dependencies) {
        const name = parser().dependencyToken(d);
        const to = name ? providers.get(name) : undefined;
        if (to && to.id !== from.id) targets.add(to.id);
      }
      for (const to of [...targets].sort()) out.relationships.push({ from: from.id, to, type: 'depends-on' });
    }
  }
}
