import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { sgciPackagesBuildType } from '../../attest/index.ts';
import { type Digest, describe, digestHex, SgciError, toolVersion } from '../../core/index.ts';
import { type BuildConfig, buildEpoch } from '../config.ts';
import type { Lock } from '../debian/index.ts';

/** What provenance reads of the lock: the chain of trust per suite and every package per architecture. */
export type LockedInputs = Pick<Lock, 'configDigest' | 'suites' | 'architectures'>;

/** A file the build read that is not in the repository: the build file itself, a signing key, an extra file. */
export interface LocalInput {
  /** As the build file names it (relative to the build file). */
  readonly path: string;
  readonly sha256: string;
}

export interface ProvenanceInputs {
  readonly config: BuildConfig;
  /** The build file as read, by the path given on the command line. */
  readonly buildFile: LocalInput;
  readonly lock: LockedInputs;
  /** Each `debian.sources[].keys[].file`, hashed as read. */
  readonly keys: readonly (LocalInput & { readonly fingerprint: string })[];
  /** The image built: the digest of the root (index or manifest) and of each platform's manifest. */
  readonly image: { readonly digest: Digest; readonly platforms: readonly { platform: string; manifest: Digest }[] };
  /** Each extra file as the build read it (a packed directory by the digest of its tar). */
  readonly extraFiles: readonly ExtraFileInput[];
  /** Who ran the build (a CI system's URI); a local run is `localBuilderId`. */
  readonly builderId?: string;
}

/** An extra file: `file:PATH` (relative to the build file) or its URL, and where it goes in the image. */
export interface ExtraFileInput {
  readonly uri: string;
  readonly sha256: string;
  readonly path: string;
  readonly platforms?: readonly string[];
  /** A `files[].directory`, packed at build time: the digest is of its deterministic tar. */
  readonly packed?: boolean;
}

/** SLSA v1 ResourceDescriptor. */
export interface ResourceDescriptor {
  readonly uri: string;
  readonly name?: string;
  readonly digest: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, unknown>>;
}

export const localBuilderId = 'https://sgci.invalid/build/local';

function under(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Every repository file the lock pins: per suite its InRelease and indices, then each `.deb` once. */
function repositoryInputs(lock: LockedInputs): ResourceDescriptor[] {
  const out: ResourceDescriptor[] = [];
  for (const s of lock.suites) {
    out.push({
      uri: under(s.url, `dists/${s.suite}/InRelease`),
      digest: { sha256: s.inRelease.sha256 },
      annotations: {
        size: s.inRelease.size,
        signer: s.signer,
        signingKey: s.signingKey,
        date: s.date,
        validUntil: s.validUntil,
        snapshot: s.snapshot,
      },
    });
    for (const index of s.indices)
      out.push({
        uri: under(s.url, `dists/${s.suite}/${index.path}`),
        digest: { sha256: index.sha256 },
        annotations: { size: index.size },
      });
  }
  // an `Architecture: all` package is in every architecture's closure: one input, named with each
  const debs = new Map<string, { descriptor: ResourceDescriptor; architectures: string[] }>();
  for (const closure of lock.architectures)
    for (const p of closure.packages) {
      const uri = under(p.url, p.filename);
      const known = debs.get(uri);
      if (known) {
        known.architectures.push(closure.architecture);
        continue;
      }
      const architectures = [closure.architecture];
      debs.set(uri, {
        architectures,
        descriptor: {
          uri,
          name: `${p.name}_${p.version}_${p.architecture}`,
          digest: { sha256: p.sha256 },
          annotations: { size: p.size, suite: p.suite, component: p.component, why: p.why, architectures },
        },
      });
    }
  for (const { descriptor } of [...debs.values()].sort((a, b) => (a.descriptor.uri < b.descriptor.uri ? -1 : 1)))
    out.push(descriptor);
  return out;
}

/**
 * The SLSA v1 provenance predicate of a build: every input with its digest (the build file and the lock's config
 * digest, each suite's InRelease with signer and validity, each index, each `.deb` by URI, the pinned keys, the extra
 * files) and the tool version, since the compressed bytes depend on the zlib it brings. No clock time is written:
 * the same inputs give the same provenance, so a rebuild that changes nothing publishes nothing new.
 */
export function buildProvenance(inputs: ProvenanceInputs): Record<string, unknown> {
  const { config } = inputs;
  const local = (kind: string, file: LocalInput, annotations: Record<string, unknown> = {}): ResourceDescriptor => ({
    uri: `file:${file.path}`,
    name: kind,
    digest: { sha256: file.sha256 },
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  });
  return {
    buildDefinition: {
      buildType: sgciPackagesBuildType,
      externalParameters: {
        buildFile: { path: inputs.buildFile.path, sha256: inputs.buildFile.sha256 },
        configDigest: inputs.lock.configDigest,
        image: config.image.name,
        tags: config.image.tags,
        platforms: config.image.platforms,
      },
      internalParameters: { epoch: buildEpoch(config) },
      resolvedDependencies: [
        local('build file', inputs.buildFile),
        ...inputs.keys.map((k) => local('signing key', k, { fingerprint: k.fingerprint })),
        ...repositoryInputs(inputs.lock),
        ...inputs.extraFiles.map((f) => ({
          uri: f.uri,
          name: `extra file ${f.path}`,
          digest: { sha256: f.sha256 },
          ...(f.platforms || f.packed
            ? {
                annotations: {
                  ...(f.platforms ? { platforms: f.platforms } : {}),
                  ...(f.packed ? { packed: 'tar' } : {}),
                },
              }
            : {}),
        })),
      ],
    },
    runDetails: {
      builder: { id: inputs.builderId ?? localBuilderId, version: { sgci: toolVersion } },
      byproducts: inputs.image.platforms.map((p) => ({
        name: p.platform,
        uri: `${config.image.name}@${p.manifest}`,
        digest: { sha256: digestHex(p.manifest) },
      })),
    },
  };
}

async function hashedFile(baseDir: string, path: string, what: string): Promise<LocalInput> {
  const full = resolve(baseDir, path);
  try {
    return {
      path,
      sha256: createHash('sha256')
        .update(await readFile(full))
        .digest('hex'),
    };
  } catch (error) {
    throw new SgciError('IO_ERROR', path, `cannot read the ${what}: ${describe(error)}`, { cause: error });
  }
}

/** The build file and the pinned key files as read now, hashed for the provenance. */
export async function readLocalInputs(
  config: BuildConfig,
  buildFile: string,
): Promise<Pick<ProvenanceInputs, 'buildFile' | 'keys'>> {
  const baseDir = dirname(buildFile);
  const keys: (LocalInput & { fingerprint: string })[] = [];
  for (const source of config.debian.sources)
    for (const key of source.keys)
      keys.push({ ...(await hashedFile(baseDir, key.file, 'key file')), fingerprint: key.fingerprint });
  return { buildFile: await hashedFile(process.cwd(), buildFile, 'build file'), keys };
}
