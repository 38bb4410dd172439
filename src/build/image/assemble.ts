import { type Digest, defaultLimits, digestOf, type Limits, SgciError } from '../../core/index.ts';
import { mediaTypes } from '../../oci/image/index.ts';
import { type BuildConfig, type BuildPlatform, buildEpoch } from '../config.ts';
import { ExpandedDebCache } from '../deb/expanded-cache.ts';
import { type Deb, describingPart } from '../deb/read-deb.ts';
import { type OpenedDebs, readEachDeb } from '../deb/read-debs.ts';
import { type ExtraSource, localExtraSource } from '../extra/extra-sources.ts';
import { enforceBuildPolicy, type PolicyResult } from './build-policy.ts';
import { type InstalledPackage, installPackage } from './install.ts';
import { LayerCache } from './layer-cache.ts';
import { gzipFixed, gzippedLayerTar, layerTar, zstdFixed } from './layer-tar.ts';
import { type ReplacedScripts, replacedScripts } from './maintainer-scripts.ts';
import {
  type Blob,
  blobOf,
  type Descriptor,
  descriptorOf,
  imageConfig,
  imageIndex,
  imageManifest,
  platformParts,
  writeLayout,
} from './oci-image.ts';
import {
  type Synthesized,
  writeAccounts,
  writeCaBundle,
  writeDpkgDatabase,
  writeExtraFiles,
  writeOsRelease,
  writePaths,
} from './synthesize.ts';
import { buildOwner, ImageTree, mergedUsrLinks, type TreeNode } from './tree.ts';

/** One resolved package as the resolver hands it over: the .deb in the cache and the sha256 the index gave. */
export interface DebPackage {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly source: string;
  readonly debPath: string;
  readonly sha256: string;
}

/** A package's .deb as reading it names it (`name_version_arch.deb`, Debian's file name) and checks it. */
export function debRequestOf(pkg: DebPackage): { path: string; input: string; sha256: string } {
  return { path: pkg.debPath, input: `${pkg.name}_${pkg.version}_${pkg.arch}.deb`, sha256: pkg.sha256 };
}

export interface PlatformPackages {
  readonly platform: BuildPlatform;
  readonly packages: readonly DebPackage[];
}

export interface AssembleOptions {
  /** The OCI layout directory to write. */
  readonly layout: string;
  /** What relative `files[].source` paths are relative to: the build file's directory. */
  readonly baseDir: string;
  /** Where each extra file's bytes are (`resolveExtraSources`); without it only `files[].source` entries can go in. */
  readonly extraSources?: readonly ExtraSource[];
  readonly limits?: Limits;
  /**
   * The directory of the expanded-.deb cache (`ExpandedDebCache`): packages found there are not decompressed again,
   * the others are stored there once read. Without it every .deb is decompressed.
   */
  readonly expandedCache?: string;
  /** Packages opened already, as their downloads were verified (`OpenedDebs`); read like the others otherwise. */
  readonly opened?: OpenedDebs;
  /**
   * For an assembly that starts while the .debs still download (`DebArrivals`): settles once the .deb with this
   * sha256 is verified at its path. A .deb is read only after it has; without it every path is there already.
   */
  readonly fetched?: (sha256: string) => Promise<void>;
  /** Hears of each package opened from its .deb as its expansion is stored in the expanded cache, or could not be. */
  readonly stored?: (sha256: string, inCache: boolean) => void;
  /**
   * The directory of the compressed-layer cache (`LayerCache`): a gzip layer whose tar it holds is not compressed
   * again, the others are stored there. Never for the reproducibility proof's second run.
   */
  readonly layerCache?: string;
}

export interface LayerReport {
  readonly digest: Digest;
  readonly diffId: Digest;
  readonly size: number;
  readonly entries: number;
}

export interface PackageReport {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly source: string;
  readonly sha256: string;
  readonly dataCompression: string;
  readonly kept: number;
  readonly excluded: number;
  readonly skipped: InstalledPackage['skipped'];
}

/** What the build did for one platform: every replaced maintainer-script effect and every file it wrote itself. */
export interface PlatformReport {
  readonly platform: BuildPlatform;
  readonly manifest: Digest;
  readonly config: Digest;
  readonly layers: readonly LayerReport[];
  readonly packages: readonly PackageReport[];
  readonly maintainerScripts: readonly ReplacedScripts[];
  readonly synthesized: readonly Synthesized[];
  readonly mergedUsrLinks: readonly string[];
  readonly setuid: readonly { readonly package: string; readonly path: string; readonly mode: string }[];
  readonly policy: readonly PolicyResult[];
}

export interface BuildReport {
  readonly image: string;
  readonly tags: readonly string[];
  /** The digest index.json names: the image index (several platforms) or the manifest (one). */
  readonly digest: Digest;
  readonly epoch: number;
  readonly platforms: readonly PlatformReport[];
}

export interface AssembledImage {
  readonly layout: string;
  readonly digest: Digest;
  readonly report: BuildReport;
  /**
   * Each .deb as this build read it, by its verified sha256, cut to its control stanza and describing files
   * (`describingPart`): the SBOM takes them from here instead of reading every .deb a second time.
   */
  readonly described: ReadonlyMap<string, Deb>;
}

/**
 * Builds the image of a resolved package set without running anything from the packages: each .deb checked against
 * its sha256 and unpacked into one in-memory tree, the maintainer scripts' effects written by the build, then
 * deterministic layers, config, manifest and (for several platforms) index, written as an OCI layout.
 * The same inputs give the same digest in any time zone, umask or locale: nothing host-dependent reaches a byte.
 */
export async function assembleImage(
  config: BuildConfig,
  inputs: readonly PlatformPackages[],
  options: AssembleOptions,
): Promise<AssembledImage> {
  if (inputs.length === 0) throw new SgciError('USAGE', config.image.name, 'no platform to build');
  const blobs: Blob[] = [];
  const reports: PlatformReport[] = [];
  const manifests: Descriptor[] = [];
  const described = new Map<string, Deb>();
  const remaining = new Map<string, number>();
  for (const input of inputs)
    for (const p of input.packages) remaining.set(p.sha256, (remaining.get(p.sha256) ?? 0) + 1);
  const reads: PackageReads = {
    expanded: options.expandedCache === undefined ? undefined : new ExpandedDebCache(options.expandedCache),
    opened: options.opened,
    fetched: options.fetched,
    stored: options.stored,
    shared: new Map(),
    remaining,
  };
  for (const input of inputs) {
    const { report, manifest, platformBlobs } = await assemblePlatform(config, input, options, described, reads);
    for (const blob of platformBlobs) blobs.push(blob);
    reports.push(report);
    manifests.push(descriptorOf(manifest, { platform: platformParts(input.platform) }));
  }
  let [root] = manifests;
  if (root === undefined || manifests.length > 1) {
    const index = imageIndex(manifests, config.image.annotations);
    blobs.push(index);
    root = descriptorOf(index);
  }
  await writeLayout(options.layout, blobs, root, config.image.tags);
  return {
    layout: options.layout,
    digest: root.digest,
    described,
    report: {
      image: config.image.name,
      tags: config.image.tags,
      digest: root.digest,
      epoch: buildEpoch(config),
      platforms: reports,
    },
  };
}

async function assemblePlatform(
  config: BuildConfig,
  input: PlatformPackages,
  options: AssembleOptions,
  described: Map<string, Deb>,
  reads: PackageReads,
): Promise<{ report: PlatformReport; manifest: Blob; platformBlobs: Blob[] }> {
  const tree = new ImageTree();
  const unpacked = await unpackPackages(tree, config, input, options.limits ?? defaultLimits, described, reads);
  const sources = options.extraSources ?? localExtraSources(config, options.baseDir);
  const written = await writeBuildFiles(tree, config, unpacked.installed, sources, input.platform);
  const policy = enforceBuildPolicy(tree, config, unpacked.setuid, config.image.name);
  const nodes = tree.sorted();
  const groups =
    config.layers.strategy === 'single'
      ? [nodes]
      : [nodes.filter((n) => !written.late.has(n.path)), nodes.filter((n) => written.late.has(n.path))];
  const layerCache = options.layerCache === undefined ? undefined : new LayerCache(options.layerCache);
  const { layerBlobs, layers } = await buildLayers(groups, config, layerCache);
  const configBlob = imageConfig(
    config,
    input.platform,
    layers.map((l) => l.diffId),
  );
  const manifest = imageManifest(config, configBlob, layerBlobs);
  return {
    manifest,
    platformBlobs: [...layerBlobs, configBlob, manifest],
    report: {
      platform: input.platform,
      manifest: manifest.digest,
      config: configBlob.digest,
      layers,
      packages: unpacked.packages,
      maintainerScripts: unpacked.scripts,
      synthesized: written.synthesized,
      mergedUsrLinks: written.links,
      setuid: unpacked.setuid,
      policy,
    },
  };
}

/**
 * How a build reads its packages: the expanded cache, the packages opened as they downloaded, and those several
 * platforms share (an `all` package), read once for all of them.
 */
interface PackageReads {
  readonly expanded: ExpandedDebCache | undefined;
  readonly opened: OpenedDebs | undefined;
  readonly fetched: ((sha256: string) => Promise<void>) | undefined;
  readonly stored: ((sha256: string, inCache: boolean) => void) | undefined;
  /** Parsed packages by sha256, kept for the platforms still to come. */
  readonly shared: Map<string, Promise<Deb>>;
  /** In how many of the platforms still to be built each package (by sha256) is. */
  readonly remaining: Map<string, number>;
}

interface Unpacked {
  readonly installed: { installed: InstalledPackage; control: string }[];
  readonly packages: PackageReport[];
  readonly scripts: ReplacedScripts[];
  readonly setuid: { package: string; path: string; mode: string }[];
}

/** Every package into the tree, in name order (not the resolver's: the tree is the same however it walked). */
async function unpackPackages(
  tree: ImageTree,
  config: BuildConfig,
  input: PlatformPackages,
  limits: Limits,
  described: Map<string, Deb>,
  reads: PackageReads,
): Promise<Unpacked> {
  const out: Unpacked = { installed: [], packages: [], scripts: [], setuid: [] };
  const { architecture } = platformParts(input.platform);
  const ordered = [...input.packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < ordered.length; i++)
    if (ordered[i]?.name === ordered[i - 1]?.name)
      throw new SgciError('CONFLICT', input.platform, `package ${ordered[i]?.name} is given twice for one platform`);
  const requests = ordered.map(debRequestOf);
  for (const [i, pkg] of ordered.entries())
    if (pkg.arch !== architecture && pkg.arch !== 'all')
      throw new SgciError(
        'USAGE',
        requests[i]?.input ?? pkg.name,
        `architecture ${pkg.arch} cannot go into a ${input.platform} image`,
      );
  // each .deb is read once and its bytes checked against the index's sha256 before any is parsed, or its verified
  // expansion comes from the cache; each goes into the tree as soon as it and those before it are read. One an
  // earlier platform read is not read again.
  const unread = requests.filter((request) => !reads.shared.has(request.sha256));
  const read = readEachDeb(unread, limits, {
    cache: reads.expanded,
    opened: reads.opened,
    fetched: reads.fetched,
    stored: reads.stored,
  });
  let next = 0;
  const debs = ordered.map((pkg) => {
    const deb = reads.shared.get(pkg.sha256) ?? (read[next++] as Promise<Deb>);
    const left = (reads.remaining.get(pkg.sha256) ?? 1) - 1;
    reads.remaining.set(pkg.sha256, left);
    // kept while a platform still to come has it, dropped after the last
    if (left > 0) reads.shared.set(pkg.sha256, deb);
    else reads.shared.delete(pkg.sha256);
    return deb;
  });
  let unpacked = 0;
  for (const [i, pkg] of ordered.entries()) {
    const label = requests[i]?.input ?? pkg.name;
    const deb = await debs[i];
    if (deb === undefined) throw new SgciError('IO_ERROR', label, 'not read');
    described.set(pkg.sha256, describingPart(deb));
    for (const entry of deb.entries) unpacked += entry.header.size;
    if (unpacked > limits.maxImageBytes)
      throw new SgciError('LIMIT_EXCEEDED', label, `the packages unpack to more than ${limits.maxImageBytes} bytes`);
    const result = installPackage(tree, pkg.name, deb, {
      mergedUsr: config.debian.mergedUsr,
      filter: config.packages.paths[pkg.name],
      input: label,
    });
    out.installed.push({ installed: result, control: deb.control.control });
    out.packages.push({
      name: pkg.name,
      version: pkg.version,
      arch: pkg.arch,
      source: pkg.source,
      sha256: pkg.sha256,
      dataCompression: deb.dataCompression,
      kept: result.kept,
      excluded: result.excluded.length,
      skipped: result.skipped,
    });
    const replaced = replacedScripts(pkg.name, result.scripts, deb.control.triggers);
    if (replaced) out.scripts.push(replaced);
    for (const s of result.setuid) out.setuid.push({ package: pkg.name, path: s.path, mode: s.mode.toString(8) });
  }
  return out;
}

/**
 * What the maintainer scripts and the build file add: merged-/usr links, CA bundle, os-release and the dpkg
 * database with the packages; then accounts, paths and extra files, whose paths (`late`) form the second layer of
 * `packages-and-files`.
 */
async function writeBuildFiles(
  tree: ImageTree,
  config: BuildConfig,
  installed: Unpacked['installed'],
  sources: readonly ExtraSource[],
  platform: BuildPlatform,
): Promise<{ synthesized: Synthesized[]; links: string[]; late: Set<string> }> {
  const epoch = buildEpoch(config);
  const synthesized: Synthesized[] = [];
  const links = config.debian.mergedUsr ? mergedUsrLinks(tree) : [];
  for (const dir of links) {
    if (tree.has(`/${dir}`)) continue;
    tree.put({
      path: `/${dir}`,
      type: 'symlink',
      mode: 0o777,
      uid: 0,
      gid: 0,
      mtime: epoch,
      linkTarget: `usr/${dir}`,
      owners: [buildOwner],
    });
    synthesized.push({ path: `/${dir}`, why: 'merged /usr link' });
  }
  writeCaBundle(tree, epoch, synthesized);
  writeOsRelease(tree, config, epoch, synthesized);
  writeDpkgDatabase(tree, installed, epoch, synthesized);
  tree.addMissingParents(epoch);
  const base = new Set<string>();
  for (const node of tree.nodes()) base.add(node.path);
  const early = synthesized.length;
  writeAccounts(tree, config, epoch, synthesized);
  writePaths(tree, config, epoch, synthesized);
  await writeExtraFiles(tree, config, sources, platform, synthesized);
  tree.addMissingParents(epoch);
  const late = new Set(synthesized.slice(early).map((s) => s.path));
  for (const node of tree.nodes()) if (!base.has(node.path)) late.add(node.path);
  return { synthesized, links, late };
}

/** The build file's `source` entries by their pinned sha256; a `url` or `directory` needs `resolveExtraSources`. */
function localExtraSources(config: BuildConfig, baseDir: string): ExtraSource[] {
  return config.files.map((extra, index) => {
    const local = localExtraSource(config, index, baseDir);
    if (!local)
      throw new SgciError('USAGE', extra.path, `files.${index}: a url or directory is resolved before assembly`);
    return local;
  });
}

/** One deterministic tar per non-empty group, compressed as the build file says; diff_id is the tar's digest. */
async function buildLayers(
  groups: readonly (readonly TreeNode[])[],
  config: BuildConfig,
  cache: LayerCache | undefined,
): Promise<{ layerBlobs: Blob[]; layers: LayerReport[] }> {
  const layerBlobs: Blob[] = [];
  const layers: LayerReport[] = [];
  for (const group of groups) {
    if (group.length === 0) continue;
    const { blob, diffId } =
      config.layers.compression === 'zstd'
        ? zstdLayer(group, config)
        : cache === undefined
          ? await gzipLayer(group, config)
          : await cachedGzipLayer(group, config, cache);
    layerBlobs.push(blob);
    layers.push({ digest: blob.digest, diffId, size: blob.bytes.length, entries: group.length });
  }
  return { layerBlobs, layers };
}

function zstdLayer(group: readonly TreeNode[], config: BuildConfig): { blob: Blob; diffId: Digest } {
  const tar = layerTar(group, buildEpoch(config));
  return { blob: blobOf(mediaTypes.ociLayerZstd, zstdFixed(tar)), diffId: digestOf(tar) };
}

/** gzip's blocks deflate on the pool's threads while the tar is still being written, and while its diff_id is hashed. */
async function gzipLayer(group: readonly TreeNode[], config: BuildConfig): Promise<{ blob: Blob; diffId: Digest }> {
  const { tar, gzipped } = gzippedLayerTar(group, buildEpoch(config), config.layers.gzipLevel);
  const diffId = digestOf(tar);
  return { blob: blobOf(mediaTypes.ociLayerGzip, await gzipped), diffId };
}

/**
 * The gzip layer from the compressed-layer cache when it holds the tar's (found by its diff_id, so the tar is
 * written and hashed first, before any deflate), else compressed and stored there. A cache that cannot be written
 * costs the next build the deflate, not this one its success.
 */
async function cachedGzipLayer(
  group: readonly TreeNode[],
  config: BuildConfig,
  cache: LayerCache,
): Promise<{ blob: Blob; diffId: Digest }> {
  const tar = layerTar(group, buildEpoch(config));
  const diffId = digestOf(tar);
  const level = config.layers.gzipLevel;
  const cached = await cache.get(diffId, tar.length, level);
  if (cached) return { blob: { mediaType: mediaTypes.ociLayerGzip, ...cached }, diffId };
  const blob = blobOf(mediaTypes.ociLayerGzip, await gzipFixed(tar, level));
  await cache.put(diffId, level, blob).catch(() => undefined);
  return { blob, diffId };
}
