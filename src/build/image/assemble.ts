import { type Digest, defaultLimits, digestOf, type Limits, SgciError } from '../../core/index.ts';
import { mediaTypes } from '../../oci/image/index.ts';
import type { BuildConfig, BuildPlatform } from '../config.ts';
import { readDebs } from '../deb/read-debs.ts';
import { enforceBuildPolicy, type PolicyResult } from './build-policy.ts';
import { type InstalledPackage, installPackage } from './install.ts';
import { gzipFixed, layerTar, zstdFixed } from './layer-tar.ts';
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
import { buildOwner, ImageTree, mergedUsrLinks } from './tree.ts';

/** One resolved package as the resolver hands it over: the .deb in the cache and the sha256 the index gave. */
export interface DebPackage {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly source: string;
  readonly debPath: string;
  readonly sha256: string;
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
  readonly limits?: Limits;
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
  for (const input of inputs) {
    const { report, manifest, platformBlobs } = await assemblePlatform(config, input, options);
    for (const blob of platformBlobs) blobs.push(blob);
    reports.push(report);
    manifests.push(descriptorOf(manifest, { platform: platformParts(input.platform) }));
  }
  let root: Descriptor;
  if (manifests.length === 1) root = manifests[0] as Descriptor;
  else {
    const index = imageIndex(manifests, config.image.annotations);
    blobs.push(index);
    root = descriptorOf(index);
  }
  await writeLayout(options.layout, blobs, root, config.image.tags);
  return {
    layout: options.layout,
    digest: root.digest,
    report: {
      image: config.image.name,
      tags: config.image.tags,
      digest: root.digest,
      epoch: config.reproducibility.epoch,
      platforms: reports,
    },
  };
}

async function assemblePlatform(
  config: BuildConfig,
  input: PlatformPackages,
  options: AssembleOptions,
): Promise<{ report: PlatformReport; manifest: Blob; platformBlobs: Blob[] }> {
  const limits = options.limits ?? defaultLimits;
  const epoch = config.reproducibility.epoch;
  const { architecture } = platformParts(input.platform);
  const tree = new ImageTree();
  const installed: { installed: InstalledPackage; control: string }[] = [];
  const packages: PackageReport[] = [];
  const scripts: ReplacedScripts[] = [];
  const setuid: { package: string; path: string; mode: string }[] = [];
  // name order, not resolver order: the tree is the same whichever way the closure was walked
  const ordered = [...input.packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < ordered.length; i++)
    if (ordered[i]?.name === ordered[i - 1]?.name)
      throw new SgciError('CONFLICT', input.platform, `package ${ordered[i]?.name} is given twice for one platform`);
  const labels = ordered.map((pkg) => `${pkg.name}_${pkg.version}_${pkg.arch}.deb`);
  for (const [i, pkg] of ordered.entries())
    if (pkg.arch !== architecture && pkg.arch !== 'all')
      throw new SgciError(
        'USAGE',
        labels[i] ?? pkg.name,
        `architecture ${pkg.arch} cannot go into a ${input.platform} image`,
      );
  // each .deb is read once and its bytes checked against the index's sha256 before any is parsed
  const debs = await readDebs(
    ordered.map((pkg, i) => ({ path: pkg.debPath, input: labels[i] ?? pkg.name, sha256: pkg.sha256 })),
    limits,
  );
  let unpacked = 0;
  for (const [i, pkg] of ordered.entries()) {
    const label = labels[i] ?? pkg.name;
    const deb = debs[i];
    if (deb === undefined) throw new SgciError('IO_ERROR', label, 'not read');
    for (const entry of deb.entries) unpacked += entry.header.size;
    if (unpacked > limits.maxImageBytes)
      throw new SgciError('LIMIT_EXCEEDED', label, `the packages unpack to more than ${limits.maxImageBytes} bytes`);
    const result = installPackage(tree, pkg.name, deb, {
      mergedUsr: config.debian.mergedUsr,
      filter: config.packages.paths[pkg.name],
      input: label,
    });
    installed.push({ installed: result, control: deb.control.control });
    packages.push({
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
    const replaced = replacedScripts(pkg.name, result.scripts);
    if (replaced) scripts.push(replaced);
    for (const s of result.setuid) setuid.push({ package: pkg.name, path: s.path, mode: s.mode.toString(8) });
  }
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
  const base = new Set(tree.sorted().map((n) => n.path));
  const early = synthesized.length;
  writeAccounts(tree, config, epoch, synthesized);
  writePaths(tree, config, epoch, synthesized);
  await writeExtraFiles(tree, config, options.baseDir, epoch, synthesized);
  tree.addMissingParents(epoch);
  const policy = enforceBuildPolicy(tree, config, setuid, config.image.name);

  const nodes = tree.sorted();
  // packages-and-files: what the packages and their database make, then what this image adds on top
  const late = new Set(synthesized.slice(early).map((s) => s.path));
  for (const node of nodes) if (!base.has(node.path)) late.add(node.path);
  const groups =
    config.layers.strategy === 'single'
      ? [nodes]
      : [nodes.filter((n) => !late.has(n.path)), nodes.filter((n) => late.has(n.path))];
  const layerBlobs: Blob[] = [];
  const layers: LayerReport[] = [];
  const diffIds: Digest[] = [];
  for (const group of groups) {
    if (group.length === 0) continue;
    const tar = layerTar(group, epoch);
    const blob =
      config.layers.compression === 'zstd'
        ? blobOf(mediaTypes.ociLayerZstd, zstdFixed(tar))
        : blobOf(mediaTypes.ociLayerGzip, await gzipFixed(tar));
    const diffId = digestOf(tar);
    layerBlobs.push(blob);
    diffIds.push(diffId);
    layers.push({ digest: blob.digest, diffId, size: blob.bytes.length, entries: group.length });
  }
  const configBlob = imageConfig(config, input.platform, diffIds);
  const manifest = imageManifest(config, configBlob, layerBlobs);
  return {
    manifest,
    platformBlobs: [...layerBlobs, configBlob, manifest],
    report: {
      platform: input.platform,
      manifest: manifest.digest,
      config: configBlob.digest,
      layers,
      packages,
      maintainerScripts: scripts,
      synthesized,
      mergedUsrLinks: links,
      setuid,
      policy,
    },
  };
}
