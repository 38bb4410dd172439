import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { describe, parseYamlFile, SgciError } from '../core/index.ts';
import { normalizeImagePath } from '../oci/fs/index.ts';

/**
 * The `sgci build` file: one YAML document that says everything an image is made of, so that the file plus its lock
 * decide the image's bytes. Strict everywhere (a misspelt key is an error naming it, never silently ignored),
 * published as schema/build-config-<version>.json.
 */

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits (sha256)');
/** An OpenPGP v4 fingerprint (40 hex digits) or v6 (64), spaces allowed as gpg prints them. */
const Fingerprint = z
  .string()
  .transform((value) => value.replaceAll(' ', '').toUpperCase())
  .pipe(z.string().regex(/^([0-9A-F]{40}|[0-9A-F]{64})$/, 'expected an OpenPGP fingerprint of 40 or 64 hex digits'));
/** Modes as quoted octal strings: YAML 1.2 reads an unquoted 0755 as the decimal 755. */
const Mode = z
  .string()
  .regex(/^0?[0-7]{3,4}$/, 'expected an octal mode as a string, e.g. "0755"')
  .transform((value) => Number.parseInt(value, 8));
const Id = z.number().int().min(0).max(0xfffffffe);
const ImagePath = z
  .string()
  .regex(/^\/[^\0]*$/, 'expected an absolute path')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ..')
  .transform((p) => normalizeImagePath(p).path);
const Glob = z.string().min(1);
const PackageName = z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'expected a Debian package name');
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');
const Duration = z.string().regex(/^\d+(ms|s|m|h)$/, 'expected a duration such as 30s or 5m');
const DateTime = z.iso.datetime({ offset: true });

export const buildPlatforms = ['linux/amd64', 'linux/arm64'] as const;
export type BuildPlatform = (typeof buildPlatforms)[number];

const DebianKey = z
  .strictObject({
    file: z.string().min(1).describe('OpenPGP public key file (armored or binary), relative to this file.'),
    fingerprint: Fingerprint.describe('The signer fingerprint InRelease must be signed by with this key.'),
  })
  .describe('A pinned archive signing key.');

const DebianSource = z
  .strictObject({
    url: z
      .url({ protocol: /^(https?|file)$/ })
      .describe('Mirror or snapshot URL, or a file: directory (the directory holding dists/ and pool/).'),
    suites: z.array(z.string().regex(/^[a-z0-9][a-z0-9./-]*$/)).min(1),
    components: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9/-]*$/))
      .min(1)
      .default(['main']),
    keys: z.array(DebianKey).min(1),
    signers: z
      .array(Fingerprint)
      .optional()
      .describe("Fingerprints (primary or signing subkey) allowed to sign InRelease; default: the keys' own."),
  })
  .describe('One Debian repository; InRelease must verify against one of its keys.');

const PathFilter = z
  .strictObject({
    include: z.array(Glob).optional().describe('Keep only paths matching one of these (copyright files are kept).'),
    exclude: z.array(Glob).optional().describe('Drop paths matching one of these (copyright files are kept).'),
  })
  .describe('Which of a package’s paths go into the image.');

const ExtraFile = z
  .strictObject({
    path: ImagePath.describe('Where the file goes in the image.'),
    platforms: z
      .array(z.enum(buildPlatforms))
      .min(1)
      .optional()
      .describe('Only these platforms get this entry (a binary per architecture); default: every platform.'),
    source: z.string().min(1).optional().describe('The file to copy, relative to this file.'),
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Fetched at build time, bounded by `size`, kept in the verified cache; needs `size`.'),
    size: z.number().int().positive().optional().describe('The byte count of the file at `url`.'),
    directory: z
      .string()
      .min(1)
      .optional()
      .describe('A directory relative to this file, packed deterministically at build time (see `tracked`).'),
    sha256: Sha256.optional().describe(
      'Expected sha256 of `source` or of the download at `url`; the build fails on any other content. A directory has none: its packed digest is recorded in the lock and the provenance.',
    ),
    unpack: z
      .boolean()
      .default(false)
      .describe('The source is a tar archive (gzip allowed): its files, directories and symlinks go below `path`.'),
    member: z
      .string()
      .min(1)
      .optional()
      .describe('The source is a tar archive (gzip allowed): this one regular file of it becomes `path`.'),
    include: z.array(Glob).optional().describe('Directory: only paths matching one of these (relative globs).'),
    exclude: z.array(Glob).default([]).describe('Directory: leave out paths matching one of these.'),
    tracked: z.boolean().default(true).describe('Directory: only files git tracks (`git ls-files`).'),
    nodeModules: z
      .literal('production')
      .optional()
      .describe('Directory: add the production packages package-lock.json names, as installed in node_modules/.'),
    noExecute: z.array(Glob).default([]).describe('Directory: these files go in without their execute bit.'),
    mode: Mode.default(0o644),
    uid: Id.default(0),
    gid: Id.default(0),
  })
  .describe('An extra file: a local `source` or a `url`, pinned by sha256, or a `directory` packed at build time.');

const User = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'expected a user name'),
  uid: Id,
  gid: Id,
  home: ImagePath.optional().describe('Home directory, created 0700 and owned by the user; default /home/NAME.'),
  shell: ImagePath.default('/sbin/nologin'),
});

const Group = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'expected a group name'),
  gid: Id,
  members: z.array(z.string()).default([]),
});

const ImagePathEntry = z.strictObject({
  path: ImagePath,
  type: z.enum(['directory', 'file', 'symlink']).default('directory'),
  target: z.string().optional().describe('Symlink target (type symlink).'),
  mode: Mode.optional(),
  uid: Id.default(0),
  gid: Id.default(0),
});

const Healthcheck = z.strictObject({
  test: z.array(z.string()).min(1).describe('As in the OCI config, e.g. ["CMD", "/app/health"].'),
  interval: Duration.optional(),
  timeout: Duration.optional(),
  startPeriod: Duration.optional(),
  retries: z.number().int().min(0).optional(),
});

const Epoch = z
  .union([z.number().int().min(0), DateTime])
  .transform((value) => (typeof value === 'number' ? value : Math.floor(Date.parse(value) / 1000)))
  .describe('SOURCE_DATE_EPOCH: seconds or an RFC 3339 time; every mtime is clamped to it.');

export const BuildConfigFile = z
  .strictObject({
    apiVersion: z.literal('sgci.build/v1'),
    image: z.strictObject({
      name: z.string().regex(/^[a-z0-9]+([._/:-][a-z0-9]+)*$/, 'expected an image repository name'),
      tags: z.array(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'expected an OCI tag')).default(['latest']),
      platforms: z.array(z.enum(buildPlatforms)).min(1).default(['linux/amd64', 'linux/arm64']),
      annotations: z.record(z.string(), z.string()).default({}),
      labels: z.record(z.string(), z.string()).default({}),
    }),
    debian: z.strictObject({
      sources: z.array(DebianSource).min(1),
      snapshot: DateTime.optional().describe(
        'The point in time the archive is read at: Date and Valid-Until are judged against it.',
      ),
      mergedUsr: z.boolean().default(true).describe('Merged /usr (bookworm and later): /bin, /sbin, /lib* → /usr.'),
    }),
    packages: z.strictObject({
      include: z.array(PackageName).min(1),
      exclude: z.array(PackageName).default([]).describe('Closure cuts: never installed, reported with what they cut.'),
      paths: z.record(PackageName, PathFilter).default({}),
    }),
    files: z.array(ExtraFile).default([]),
    accounts: z
      .strictObject({
        users: z.array(User).default([{ name: 'nonroot', uid: 65532, gid: 65532, shell: '/sbin/nologin' }]),
        groups: z.array(Group).default([{ name: 'nonroot', gid: 65532, members: [] }]),
        runAs: Id.default(65532).describe('The numeric user the image runs as.'),
        runAsGroup: Id.optional(),
      })
      .default({
        users: [{ name: 'nonroot', uid: 65532, gid: 65532, shell: '/sbin/nologin' }],
        groups: [{ name: 'nonroot', gid: 65532, members: [] }],
        runAs: 65532,
      }),
    paths: z.array(ImagePathEntry).default([]),
    config: z
      .strictObject({
        entrypoint: z.array(z.string()).optional(),
        cmd: z.array(z.string()).optional(),
        workdir: ImagePath.default('/'),
        env: z.record(EnvName, z.string()).default({}),
        stopSignal: z
          .string()
          .regex(/^(SIG[A-Z0-9]+|\d+)$/)
          .optional(),
        healthcheck: Healthcheck.optional(),
      })
      .default({ workdir: '/', env: {} }),
    osRelease: z
      .record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an os-release key such as PRETTY_NAME'), z.string())
      .default({}),
    layers: z
      .strictObject({
        strategy: z
          .enum(['single', 'packages-and-files'])
          .default('single')
          .describe('single: one layer; packages-and-files: the packages, then accounts, paths and extra files.'),
        compression: z
          .enum(['gzip', 'zstd'])
          .default('gzip')
          .describe('gzip runs everywhere; zstd (level 3) is smaller and cheaper to make.'),
        gzipLevel: z
          .number()
          .int()
          .min(1)
          .max(9)
          .default(1)
          .describe(
            "gzip's level, part of what fixes the layer's bytes. 1 (go-containerregistry's, so ko's, crane's and apko's): a third to three fifths of level 6's CPU for 5-9 % larger layers.",
          ),
      })
      .default({ strategy: 'single', compression: 'gzip', gzipLevel: 1 }),
    reproducibility: z
      .strictObject({
        epoch: Epoch.optional().describe(
          "Default: the newest InRelease Date in the lock, so the image's created moves with its packages.",
        ),
      })
      .default({}),
    outputs: z
      .strictObject({
        sbom: z.array(z.enum(['cyclonedx-1.6', 'spdx-2.3'])).default(['cyclonedx-1.6']),
        provenance: z.boolean().default(true),
        signingKey: z.string().optional().describe('Key file to sign the image and its attestations with.'),
      })
      .default({ sbom: ['cyclonedx-1.6'], provenance: true }),
    policy: z
      .strictObject({
        nonRoot: z.boolean().default(true),
        noShell: z.boolean().default(true),
        noPackageManager: z.boolean().default(true),
        allowSetuid: z.array(ImagePath).default([]).describe('Setuid/setgid files allowed; any other fails the build.'),
      })
      .default({ nonRoot: true, noShell: true, noPackageManager: true, allowSetuid: [] }),
    track: z.array(z.string().min(1)).default([]).describe('References the monitor watches to trigger a rebuild.'),
    endOfLife: z.iso.date().optional().describe('Date after which this image is no longer rebuilt.'),
  })
  .describe('sgci build: a minimal image from verified Debian packages.');

/** A build file as written: its epoch may be left to the lock (`withEpoch`). */
export type BuildConfig = z.output<typeof BuildConfigFile>;
export type DebianSourceConfig = z.output<typeof DebianSource>;
export type ExtraFileConfig = BuildConfig['files'][number];

/** The build file with its epoch: its own, else `fromLock` (the lock's newest InRelease Date). */
export function withEpoch(config: BuildConfig, fromLock: number): BuildConfig {
  return { ...config, reproducibility: { epoch: config.reproducibility.epoch ?? fromLock } };
}

/** The epoch every mtime is clamped to; a build file without one gets the lock's first (`withEpoch`). */
export function buildEpoch(config: BuildConfig): number {
  const { epoch } = config.reproducibility;
  if (epoch === undefined)
    throw new SgciError('USAGE', config.image.name, 'no reproducibility.epoch: give one or build from a lock');
  return epoch;
}

/** The platforms an extra file goes to. */
export function extraFilePlatforms(file: BuildConfig, extra: ExtraFileConfig): readonly BuildPlatform[] {
  return extra.platforms ?? file.image.platforms;
}

const maxConfigBytes = 1024 * 1024;

/** What each kind of extra file needs and refuses; a message per first wrong field, or undefined. */
function extraFileProblem(extra: ExtraFileConfig): string | undefined {
  const kinds = (['source', 'url', 'directory'] as const).filter((k) => extra[k] !== undefined);
  if (kinds.length !== 1) return 'give exactly one of source, url and directory';
  if (extra.unpack && extra.member !== undefined) return 'unpack and member exclude each other';
  if (extra.directory === undefined) {
    if (extra.sha256 === undefined) return `${kinds[0]}: needs its sha256`;
    if (extra.url !== undefined && extra.size === undefined) return 'url: needs its size';
    const directoryOnly =
      extra.include ?? (extra.exclude.length > 0 || extra.noExecute.length > 0 || extra.nodeModules);
    if (directoryOnly) return 'include, exclude, nodeModules and noExecute are for a directory';
    return undefined;
  }
  if (extra.sha256 !== undefined) return 'directory: has no sha256 (its packed digest is recorded in the lock)';
  if (extra.unpack || extra.member !== undefined || extra.size !== undefined)
    return 'directory: unpack, member and size are for a source or url';
  return undefined;
}

/** Parses build YAML; CONFIG_INVALID names `input` and the first wrong field. */
export function parseBuildConfig(text: string, input: string): BuildConfig {
  if (text.length > maxConfigBytes) throw new SgciError('CONFIG_INVALID', input, 'build file larger than 1 MiB');
  const config = parseYamlFile(text, input, 'CONFIG_INVALID', BuildConfigFile);
  for (const [i, entry] of config.paths.entries())
    if (entry.type === 'symlink' && entry.target === undefined)
      throw new SgciError('CONFIG_INVALID', input, `paths.${i}.target: a symlink needs a target`);
  const groups = new Set(config.accounts.groups.map((g) => g.gid));
  for (const [i, user] of config.accounts.users.entries())
    if (!groups.has(user.gid) && user.gid !== 0)
      throw new SgciError('CONFIG_INVALID', input, `accounts.users.${i}.gid: no group ${user.gid} in accounts.groups`);
  const placed = new Map<string, number>();
  for (const [i, extra] of config.files.entries()) {
    const problem = extraFileProblem(extra);
    if (problem) throw new SgciError('CONFIG_INVALID', input, `files.${i}: ${problem}`);
    for (const platform of extraFilePlatforms(config, extra)) {
      if (!config.image.platforms.includes(platform))
        throw new SgciError('CONFIG_INVALID', input, `files.${i}.platforms: ${platform} is not in image.platforms`);
      const other = placed.get(`${platform} ${extra.path}`);
      if (other !== undefined)
        throw new SgciError(
          'CONFIG_INVALID',
          input,
          `files.${i}: files.${other} already puts ${extra.path} on ${platform}`,
        );
      placed.set(`${platform} ${extra.path}`, i);
    }
  }
  return config;
}

export async function loadBuildConfig(path: string): Promise<BuildConfig> {
  return (await readBuildFile(path)).config;
}

/** The build file's text beside its meaning: the reproducibility proof's second run parses the very same text. */
export async function readBuildFile(path: string): Promise<{ text: string; config: BuildConfig }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SgciError('CONFIG_INVALID', path, `cannot read: ${describe(error)}`, { cause: error });
  }
  return { text, config: parseBuildConfig(text, path) };
}

/** The published JSON Schema of the build file. */
export function buildConfigJsonSchema(version: string): Record<string, unknown> {
  return {
    ...z.toJSONSchema(BuildConfigFile, { target: 'draft-2020-12', io: 'input' }),
    $id: `https://sgci.example/schema/build-config-${version}.json`,
    title: 'sgci build file',
  };
}
