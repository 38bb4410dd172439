import { requireOnFirstUse } from '../../core/index.ts';
import {
  type CatalogContext,
  type CatalogerOutput,
  describeError,
  emptyOutput,
  fileCataloger,
  location,
  makePackage,
  parseEach,
  purl,
} from '../cataloger.ts';
import { distroQualifier, osNamespace } from '../distro/os-release.ts';
import { normaliseLicense } from '../license.ts';
import type { Package } from '../package.ts';
import type { RpmHeader } from './parse-header.ts';

// the database readers (node:sqlite among them) and the header parser load with the first rpm database found
const headers = requireOnFirstUse<typeof import('./parse-header.ts')>(import.meta.url, './parse-header.ts');
const databases = requireOnFirstUse<typeof import('./read-db.ts')>(import.meta.url, './read-db.ts');

export const rpmCatalogerName = 'rpm-db-cataloger';

// The sqlite database (Fedora >= 33, RHEL >= 9, CBL-Mariner) and ndb (SUSE), in both locations.
// Berkeley DB `Packages` (RHEL <= 8, CentOS 7) is not read; its presence is reported as an unknown.
const sqliteGlobs = ['/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite'];
const ndbGlobs = ['/var/lib/rpm/Packages.db', '/usr/lib/sysimage/rpm/Packages.db'];
const bdbPaths = ['/var/lib/rpm/Packages', '/usr/lib/sysimage/rpm/Packages'];

/** The rpm databases sgci reads (sqlite, ndb) and the Berkeley DB ones it reports as not read. */
export const rpmDatabases = { read: [...sqliteGlobs, ...ndbGlobs], berkeleyDb: bdbPaths } as const;

export const rpmCataloger = fileCataloger(rpmCatalogerName, 'rpm', ['os', 'installed']).byFiles(
  rpmDatabases.read,
  catalogRpm,
);

/** The package headers of an rpm database file, by its format (the path names it); bad records are problems. */
export function readRpmDatabase(path: string, bytes: Uint8Array, problems: string[]): RpmHeader[] {
  const { readNdbBlobs, readSqliteBlobs } = databases();
  return headersOf(path.endsWith('.sqlite') ? readSqliteBlobs(bytes, problems) : readNdbBlobs(bytes), problems);
}

/** Header blobs of either database format to headers; a bad blob is a problem, the rest still count. */
export function headersOf(blobs: readonly Uint8Array[], problems: string[]): RpmHeader[] {
  const out: RpmHeader[] = [];
  for (const [i, blob] of blobs.entries()) {
    try {
      const h = headers().parseRpmHeader(blob);
      // gpg-pubkey entries are imported signing keys, not installed software
      if (h.name !== 'gpg-pubkey') out.push(h);
    } catch (error) {
      problems.push(`package record ${i}: ${describeError(error)}`);
    }
  }
  return out;
}

export function rpmVersion(h: RpmHeader): string {
  return `${h.epoch ? `${h.epoch}:` : ''}${h.version}${h.release ? `-${h.release}` : ''}`;
}

async function catalogRpm(ctx: CatalogContext): Promise<CatalogerOutput> {
  const out = emptyOutput();
  const namespace = osNamespace(ctx.distro, 'redhat');
  const distro = distroQualifier(ctx.distro);
  const files = await parseEach(ctx, rpmDatabases.read, out, (entry, bytes) => {
    const problems: string[] = [];
    const headers = readRpmDatabase(entry.path, bytes, problems);
    for (const reason of problems) out.unknowns.push({ path: entry.path, layer: entry.layer, reason });
    return headers;
  });
  for (const { entry, value } of files) {
    const byProvide = new Map<string, Package>();
    const pkgs: [RpmHeader, Package][] = [];
    for (const h of value) {
      const source = h.sourceRpm ? headers().splitSourceRpm(h.sourceRpm) : undefined;
      const version = `${h.version}${h.release ? `-${h.release}` : ''}`;
      const pkg = makePackage({
        name: h.name,
        version: rpmVersion(h),
        ecosystem: 'rpm',
        // purl-spec rpm: version-release in the version, the epoch as a qualifier
        purl: purl('rpm', namespace, h.name, version, {
          arch: h.arch,
          epoch: h.epoch ? String(h.epoch) : undefined,
          distro,
          upstream: h.sourceRpm,
        }),
        locations: [location(entry)],
        licenses: h.license ? [normaliseLicense(h.license)] : [],
        foundBy: rpmCatalogerName,
        metadata: {
          kind: 'rpm',
          ...(h.arch ? { architecture: h.arch } : {}),
          sourceName: source?.name ?? h.name,
          sourceVersion: source?.version ?? version,
          ...(h.epoch ? { epoch: h.epoch } : {}),
          release: h.release,
          ...(h.vendor ? { maintainer: h.vendor } : {}),
          ...(h.size !== undefined ? { installedSize: h.size } : {}),
          files: h.files,
        },
      });
      pkgs.push([h, pkg]);
      out.packages.push(pkg);
      for (const p of [h.name, ...h.provides]) if (!byProvide.has(p)) byProvide.set(p, pkg);
      for (const f of h.files) if (!byProvide.has(f.path)) byProvide.set(f.path, pkg);
    }
    for (const [h, from] of pkgs) {
      const targets = new Set<string>();
      for (const r of h.requires) {
        if (r.startsWith('rpmlib(')) continue;
        const to = byProvide.get(r);
        if (to && to.id !== from.id) targets.add(to.id);
      }
      for (const to of [...targets].sort()) out.relationships.push({ from: from.id, to, type: 'depends-on' });
    }
  }
  for (const path of rpmDatabases.berkeleyDb) {
    const e = ctx.fs.get(path);
    if (e?.type === 'file') {
      out.unknowns.push({
        path,
        layer: e.layer,
        reason: 'Berkeley DB rpm database: not supported, rpm packages not catalogued',
      });
    }
  }
  return out;
}
