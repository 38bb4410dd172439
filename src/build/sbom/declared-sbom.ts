import {
  compareStrings,
  type Distro,
  debianMetadata,
  debianPurl,
  makePackage,
  normaliseLicense,
  type Package,
  parseDebianCopyright,
  parseDpkgStatus,
  parseOsRelease,
  type Sbom,
} from '../../catalog/index.ts';
import { defaultLimits, type Limits, SgciError, toolVersion } from '../../core/index.ts';
import { type BuildConfig, buildEpoch } from '../config.ts';
import type { Deb } from '../deb/read-deb.ts';
import { readDebs } from '../deb/read-debs.ts';
import type { PlatformPackages, PlatformReport } from '../image/assemble.ts';

/** Who declared a package in the build's own SBOM: the resolution, not a look at the image. */
export const buildSbomSource = 'sgci-build-resolution';

function entryPath(deb: Deb, path: string): Buffer | undefined {
  const wanted = new Set([`./${path}`, path, `/${path}`]);
  return deb.entries.find((e) => wanted.has(e.header.path) && e.content !== undefined)?.content;
}

/**
 * The distribution the image reports, decided as the image will: base-files' os-release (merged-/usr or not)
 * with the build file's overrides on top; undefined when no package ships one and nothing overrides it.
 */
function distroOf(config: BuildConfig, debs: readonly Deb[]): Distro | undefined {
  let shipped = '';
  for (const deb of debs) {
    const text = entryPath(deb, 'usr/lib/os-release') ?? entryPath(deb, 'etc/os-release');
    if (text) shipped = text.toString('utf8');
  }
  const overrides = Object.entries(config.osRelease)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join('\n');
  return parseOsRelease(`${shipped}\n${overrides}\n`);
}

function declaredPackage(deb: Deb, sha256: string, distro: Distro | undefined, input: string): Package {
  const [entry] = parseDpkgStatus(deb.control.control);
  if (!entry) throw new SgciError('ARCHIVE_INVALID', input, 'control has no Package and Version');
  const copyrightPath = `usr/share/doc/${entry.package}/copyright`;
  const copyright = entryPath(deb, copyrightPath);
  const statusPath = `/var/lib/dpkg/status.d/${entry.package}`;
  return makePackage({
    name: entry.package,
    version: entry.version,
    ecosystem: 'deb',
    purl: debianPurl(entry, distro),
    locations: [
      { path: statusPath, layer: 0, evidence: 'primary' },
      ...(copyright ? [{ path: `/${copyrightPath}`, layer: 0, evidence: 'supporting' as const }] : []),
    ],
    licenses: (copyright ? parseDebianCopyright(copyright.toString('utf8')) : []).map(normaliseLicense),
    foundBy: buildSbomSource,
    type: 'library',
    layer: 0,
    metadata: { ...debianMetadata(entry), archiveSha256: sha256 },
  });
}

/**
 * The SBOM of one platform of a build, from the resolution: each package's name, version, architecture and source
 * from its verified `.deb`'s control stanza, its `.deb` sha256, its licences from its copyright file, the purl as
 * sgci's dpkg cataloger writes it. It is made without looking at the built image, so comparing it with a scan of
 * that image (`compareSboms`) tests the assembly. `described` holds the .debs the build already read, by sha256
 * (`AssembledImage.described`: the control stanza and copyright files straight from the package, not from the
 * tree); any other is read here.
 */
export async function declaredSbom(
  config: BuildConfig,
  input: PlatformPackages,
  built: PlatformReport,
  described: ReadonlyMap<string, Deb> = new Map(),
  limits: Limits = defaultLimits,
): Promise<Sbom> {
  const unread = input.packages.filter((p) => !described.has(p.sha256));
  const read = await readDebs(
    unread.map((p) => ({ path: p.debPath, input: `${p.name}_${p.version}_${p.arch}.deb`, sha256: p.sha256 })),
    limits,
  );
  const bySha = new Map(described);
  for (const [i, p] of unread.entries()) bySha.set(p.sha256, read[i] as Deb);
  const debs = input.packages.map((p) => bySha.get(p.sha256) as Deb);
  const distro = distroOf(config, debs);
  const packages = input.packages
    .map((p, i) => declaredPackage(debs[i] as Deb, p.sha256, distro, `${p.name}_${p.version}_${p.arch}.deb`))
    .sort((a, b) => compareStrings(a.purl, b.purl) || compareStrings(a.id, b.id));
  return {
    subject: {
      name: config.image.name,
      digest: built.manifest,
      platform: built.platform,
      layers: built.layers.map((l) => ({ digest: l.digest, diffId: l.diffId })),
      created: new Date(buildEpoch(config) * 1000).toISOString(),
    },
    ...(distro ? { distro } : {}),
    packages,
    relationships: [],
    unidentifiedExecutables: [],
    unknowns: [],
    tool: { name: 'sgci', version: toolVersion },
  };
}
