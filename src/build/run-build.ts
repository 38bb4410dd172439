import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { isNotFound, type RegistryAccess, resolveImage, type Signer } from '../attest/index.ts';
import {
  canonicalJson,
  type Digest,
  defaultLimits,
  describe,
  digestOf,
  SgciError,
  writeFileAtomic,
} from '../core/index.ts';
import type { RegistryReference } from '../oci/reference/index.ts';
import { type BuildConfig, buildEpoch, loadBuildConfig, readBuildFile, withEpoch } from './config.ts';
import { DebArrivals } from './deb/arrivals.ts';
import { ExpandedDebCache } from './deb/expanded-cache.ts';
import { DebWorkers, threadsFor } from './deb/read-debs.ts';
import {
  type DebFile,
  debianArchitecture,
  debPackageOf,
  diffLock,
  fetchPackages,
  type Lock,
  type LockedDownloads,
  lockedPackages,
  lockOf,
  lockPins,
  parseLock,
  prefetchPackages,
  RepositoryFiles,
  type RepositoryFilesOptions,
  resolveDebian,
  resolveRequestOf,
  serializeLock,
  startLockedDownloads,
  verifyLockedPackages,
} from './debian/index.ts';
import { type ExtraSource, resolveExtraSources } from './extra/extra-sources.ts';
import type { GateReport, SignedProvenance } from './gate/index.ts';
import { type AssembledImage, assembleImage, debRequestOf, type PlatformPackages } from './image/assemble.ts';
import { type ImagePusher, pushLayout } from './image/push.ts';
import { PhaseRecorder, type PhaseReport } from './phases.ts';
import type { ExtraFileInput } from './provenance/index.ts';
import {
  type BuildEnvironment,
  currentEnvironment,
  proveReproducible,
  type ReproducibilityProof,
  type SecondRun,
  spawnSecondRun,
} from './reproduce.ts';
import type { EncodedSbom } from './sbom/index.ts';

/** The canonical digest of a build file's meaning (defaults applied, keys sorted): what the lock was made for. */
export function configDigest(config: BuildConfig): string {
  return digestOf(canonicalJson(config));
}

/** The lock of a build file: `static.lock.json` beside `static.yaml`, one per build file. */
export function lockPathOf(file: string): string {
  return join(dirname(file), `${basename(file).replace(/\.ya?ml$/, '')}.lock.json`);
}

/**
 * The epoch a build file without its own takes: the newest InRelease Date the lock pins. The image's `created` then
 * says how old its packages are (what SGCI-COMP-004 judges), moves with each new lock and with nothing else.
 */
export function lockEpoch(lock: Lock): number {
  let newest = 0;
  for (const suite of lock.suites) newest = Math.max(newest, Math.floor(Date.parse(suite.date) / 1000));
  return newest;
}

/**
 * What the build file says is not the build's to assert: without a configured health check the image is a base or
 * a one-shot tool, and a health check (SGCI-RUN-008) is its users' to add (issue 16, item 8: "where configured").
 */
function unassertedChecks(config: BuildConfig): ReadonlyMap<string, string> {
  return config.config.healthcheck
    ? new Map()
    : new Map([['SGCI-RUN-008', 'the build file configures no health check (config.healthcheck)']]);
}

async function readLock(path: string): Promise<Lock> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SgciError('CONFIG_INVALID', path, `no lock to build from (sgci build lock): ${describe(error)}`, {
      cause: error,
    });
  }
  return parseLock(text, path);
}

export interface ResolveBuildOptions {
  readonly repository?: RepositoryFilesOptions;
  /** The lock file; default `lockPathOf(file)`. */
  readonly lock?: string;
  /** The clock for sources without a snapshot time. */
  readonly now?: () => Date;
}

/**
 * Resolves the build file's packages through the verified chain of trust; with `locked`, the existing lock's
 * InRelease digests are pinned and any difference from it fails with the diff, one line per change.
 */
async function resolveBuild(
  config: BuildConfig,
  file: string,
  mode: {
    /** The lock a `--locked` build is held to. */
    readonly previous?: Lock | undefined;
    readonly prefetch: boolean;
    readonly early?: LockedDownloads | undefined;
  },
  files: RepositoryFiles,
  options: ResolveBuildOptions,
): Promise<{ lock: Lock; lockPath: string }> {
  const lockPath = options.lock ?? lockPathOf(file);
  const { previous } = mode;
  const request = resolveRequestOf(config, dirname(file));
  // what the lock (the earlier one, when not held to it) names is fetched while the indices are read: the line is
  // busy with the .debs then, not idle until the resolution ends
  const earlier = mode.prefetch ? (previous ?? (await readLock(lockPath).catch(() => undefined))) : undefined;
  const resolveOptions = {
    files,
    ...(options.now ? { now: options.now } : {}),
    ...(previous ? { pinned: lockPins(previous) } : {}),
    ...(mode.early ? { early: mode.early } : {}),
    ...(earlier ? { indicesFetched: () => prefetchPackages(lockedOf(earlier, request.architectures), files) } : {}),
  };
  const digest = configDigest(config);
  // the lock's own configuration over the pinned archive resolves to the lock: its packages are verified, not
  // resolved again (parsing 200 MB of indices for a dozen packages); any other configuration is resolved and diffed
  const lock =
    previous?.configDigest === digest
      ? {
          ...previous,
          suites: lockOf(
            { suites: await verifyLockedPackages(request, lockedOf(previous), resolveOptions), closures: [] },
            digest,
          ).suites,
        }
      : lockOf(await resolveDebian(request, resolveOptions), digest);
  if (previous) {
    const diff = diffLock(previous, lock);
    if (diff.length > 0)
      throw new SgciError('BUILD_REFUSED', lockPath, `the resolution differs from the lock:\n${diff.join('\n')}`);
  }
  return { lock, lockPath };
}

/** The packages a lock names for these architectures (those it has), by default all of its own. */
function lockedOf(
  lock: Lock,
  architectures: readonly string[] = lock.architectures.map((a) => a.architecture),
): DebFile[] {
  return lock.architectures
    .filter((a) => architectures.includes(a.architecture))
    .flatMap((a) => lockedPackages(lock, a.architecture));
}

/** `sgci build lock FILE`: resolves and writes the lock (`FILE.lock.json` beside the build file). */
export async function writeBuildLock(file: string, options: ResolveBuildOptions = {}): Promise<string> {
  const config = await loadBuildConfig(file);
  const files = new RepositoryFiles(options.repository);
  const { lock, lockPath } = await resolveBuild(config, file, { prefetch: false }, files, options);
  await files.settled();
  await writeFileAtomic(lockPath, serializeLock(lock));
  return lockPath;
}

export interface BuildRequest extends ResolveBuildOptions {
  readonly file: string;
  /** The OCI layout to write; a temporary directory when absent. */
  readonly out?: string;
  /** Fail when the resolution differs from the lock (else the lock is rewritten). */
  readonly locked: boolean;
  /** Push to this repository (the tags are the build file's unless `tags` is given). */
  readonly push?: {
    readonly registry: ImagePusher & RegistryAccess;
    readonly target: Omit<RegistryReference, 'tag' | 'digest'>;
    readonly tags?: readonly string[];
  };
  /** Loads the build file's `outputs.signingKey` (a password may be asked for): the pushed image is signed. */
  readonly loadSigner?: (keyFile: string) => Promise<Signer>;
  /** The evaluation clock of the checks. */
  readonly checkedAt: Date;
  readonly builderId?: string;
}

export interface BuildOutcome {
  readonly image: AssembledImage;
  readonly lockPath: string;
  /** SBOMs and provenance, written beside the layout in `<layout>.attestations/`. */
  readonly outputs: readonly string[];
  readonly gates: readonly GateReport[];
  /** Both runs' digests (equal) and host settings. */
  readonly reproducibility: ReproducibilityProof;
  /** Each extra file as read (a packed directory by its tar's digest), as the provenance names it. */
  readonly extraFiles: readonly ExtraFileInput[];
  readonly pushed?: Digest;
  readonly signed: boolean;
  /** Every tag already named this digest: nothing was pushed, signed or attested again. */
  readonly unchanged?: boolean;
  /** Where the time went, phase by phase, up to the outputs written (pushing not included). */
  readonly phases: PhaseReport;
}

/** The extra files as the provenance lists them: where each came from, its digest, its image path and platforms. */
function extraFilesOf(config: BuildConfig, sources: readonly ExtraSource[]): ExtraFileInput[] {
  return sources.map((s) => {
    const extra = config.files[s.index];
    return {
      uri: s.uri,
      sha256: s.sha256,
      path: extra?.path ?? '',
      ...(extra?.platforms ? { platforms: extra.platforms } : {}),
      ...(extra?.directory !== undefined ? { packed: true } : {}),
    };
  });
}

/**
 * Whether every tag already names the built digest. A rebuild that changes nothing then publishes nothing (no new
 * signature layer either, since ECDSA signatures differ each time), so a monitor sees new digests only for new
 * content.
 */
async function published(
  registry: RegistryAccess,
  target: Omit<RegistryReference, 'tag' | 'digest'>,
  tags: readonly string[],
  digest: Digest,
): Promise<boolean> {
  for (const tag of tags) {
    try {
      const current = await resolveImage(registry, { ...target, tag });
      if (current.digest !== digest) return false;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
  return tags.length > 0;
}

/**
 * `sgci build FILE`: resolve (or hold to the lock; without an epoch of its own the build takes the lock's), fetch each
 * `.deb` and each `url` extra file verified, pack each `directory`, assemble twice (here and, under other
 * host settings, in a child process: issue 16, item 7) and refuse a second digest, write the SBOMs of the
 * resolution and check each platform image against them and the checks the build asserts, write the provenance;
 * then, when asked, push, sign and attach the SBOMs and provenance. Nothing is pushed unless every check passed.
 */
export async function runBuild(request: BuildRequest): Promise<BuildOutcome> {
  const work = await mkdtemp(join(tmpdir(), 'sgci-build-files-'));
  try {
    return await buildIn(work, request);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `runBuild` with `work`, a directory of its own for what the build packs (directories of `files`). */
async function buildIn(work: string, request: BuildRequest): Promise<BuildOutcome> {
  const phases = new PhaseRecorder();
  const files = new RepositoryFiles({ ...request.repository, phases });
  // a build held to its lock asks for what it pins first: the line carries the indices while the build file is
  // read, the keys load and the second run starts
  const held = request.locked ? await readLock(request.lock ?? lockPathOf(request.file)) : undefined;
  const early = held && !files.offline ? startLockedDownloads(files, held) : undefined;
  const environment = currentEnvironment();
  // the proof's second run starts now: Node's start-up and its modules' loading overlap resolution and downloads
  const second = await spawnSecondRun(environment);
  try {
    return await buildBeside(work, request, { environment, second, phases, files, held, early });
  } catch (error) {
    await second.abort();
    throw error;
  }
}

/** Why a package a build was assembling from never came: its download, or one before it, failed. */
function notDownloaded(sha256: string): Error {
  return new SgciError('IO_ERROR', `sha256:${sha256}`, 'not downloaded: the downloads stopped');
}

/** The packages the expanded cache holds no entry for: those a build opens. */
async function notHeld(packages: readonly DebFile[], cache: ExpandedDebCache): Promise<DebFile[]> {
  const out: DebFile[] = [];
  for (const p of packages) if (!(await cache.holds(p.sha256))) out.push(p);
  return out;
}

/**
 * What a build needs only once its image is assembled: the scan and gate, the SBOM encoders, the provenance. Loaded
 * while the downloads run, not before the first of them.
 */
function afterAssemblyModules() {
  return Promise.all([import('./gate/index.ts'), import('./sbom/index.ts'), import('./provenance/index.ts')]);
}

/** Checks each platform image (SBOM agreement and gate) and encodes its SBOMs; writes nothing. */
async function checkPlatforms(
  config: BuildConfig,
  inputs: readonly PlatformPackages[],
  image: AssembledImage,
  request: BuildRequest,
  signed: SignedProvenance | undefined,
): Promise<{ gates: GateReport[]; sboms: { platform: string; manifest: Digest; sboms: EncodedSbom[] }[] }> {
  const [{ openImage }, [{ checkBuiltImage }, { declaredSbom, encodeBuildSboms }]] = await Promise.all([
    import('../oci/source/index.ts'),
    afterAssemblyModules(),
  ]);
  const gates: GateReport[] = [];
  const sboms: { platform: string; manifest: Digest; sboms: EncodedSbom[] }[] = [];
  for (const [i, report] of image.report.platforms.entries()) {
    const input = inputs[i];
    if (!input) continue;
    const declared = await declaredSbom(config, input, report, image.described);
    await using opened = await openImage(`oci-dir:${image.layout}:${config.image.tags[0] ?? 'latest'}`, {
      platform: report.platform,
    });
    const checked = await checkBuiltImage(opened, declared, {
      now: request.checkedAt,
      gate: { ...(signed ? { signed } : {}), unasserted: unassertedChecks(config) },
    });
    if (checked.gate) gates.push(checked.gate);
    sboms.push({
      platform: report.platform,
      manifest: report.manifest,
      sboms: encodeBuildSboms(declared, config.outputs.sbom),
    });
  }
  return { gates, sboms };
}

/** What `buildIn` set going before the build file is read. */
interface Started {
  readonly environment: BuildEnvironment;
  readonly second: SecondRun;
  readonly phases: PhaseRecorder;
  readonly files: RepositoryFiles;
  /** The lock a `--locked` build is held to. */
  readonly held: Lock | undefined;
  readonly early: LockedDownloads | undefined;
}

/** `buildIn` once the second run's process is up: it is handed the packages as soon as they are fetched. */
async function buildBeside(work: string, request: BuildRequest, started: Started): Promise<BuildOutcome> {
  const { environment, second, phases, files, held, early } = started;
  const { text, config: file } = await readBuildFile(request.file);
  // the line is busy from here on (a locked build's since its start), this thread mostly waits for it
  void afterAssemblyModules().catch(() => undefined);
  const { lock, lockPath } = await resolveBuild(
    file,
    request.file,
    { previous: held, prefetch: true, early },
    files,
    request,
  );
  if (!request.locked) await writeFileAtomic(lockPath, serializeLock(lock));
  const config = withEpoch(file, lockEpoch(lock));
  // every platform's .debs in one go, each file once (an `all` package serves every platform)
  const wanted = config.image.platforms.map((platform) => lockedPackages(lock, debianArchitecture(platform)));
  const once = new Map<string, DebFile>();
  for (const p of wanted.flat()) once.set(p.sha256, p);
  const expandedCache = new ExpandedDebCache(join(files.cache.dir, 'expanded'));
  // worker threads only for enough bytes to pay for their memory; else this thread opens each between downloads
  const toOpen = await notHeld([...once.values()], expandedCache);
  const threads = threadsFor(
    toOpen.length,
    toOpen.reduce((sum, p) => sum + p.size, 0),
  );
  await using workers = new DebWorkers(defaultLimits, threads, (start, end, bytes) =>
    phases.record('expand .deb', start, end, bytes),
  );
  // each .deb's place in the cache is known before it arrives: both runs start assembling now, open each .deb as
  // soon as its download is verified, and take it when they reach it; over a slow line the decompression then runs
  // while the rest are still on their way
  const packageOf = (p: DebFile) => debPackageOf({ ...p, path: files.pathOf(p.origin.url, p.filename, p) });
  const arrivals = new DebArrivals(
    once.keys(),
    toOpen.map((p) => debRequestOf(packageOf(p))),
    workers,
  );
  const inputs = config.image.platforms.map((platform, i) => ({
    platform,
    packages: (wanted[i] ?? []).map(packageOf),
  }));
  const layout = request.out ?? join(await mkdtemp(join(tmpdir(), 'sgci-build-')), 'oci');
  const handedOver = performance.now();
  // what this run opens from the .debs the second takes as it was opened (stored in the expanded cache), the rest it
  // opens itself from the .debs: so what the cache gave this run is checked against the verified .debs
  const fromFirst = new Set(toOpen.map((p) => p.sha256));
  const debBytes = [...once.values()].filter((p) => !fromFirst.has(p.sha256)).reduce((sum, p) => sum + p.size, 0);
  second.start(request.file, text, {
    inputs,
    epoch: buildEpoch(config),
    debBytes,
    expandedCache: expandedCache.dir,
    fromFirst: [...fromFirst],
  });
  const fetching = fetchPackages([...once.values()], files, (p) => {
    arrivals.arrived(p.sha256);
    if (!fromFirst.has(p.sha256)) second.arrived(p.sha256);
  });
  fetching.then(
    () => arrivals.ended(notDownloaded),
    () => arrivals.ended(notDownloaded),
  );
  // the first run takes packages from the expanded cache or as they were opened on arrival, and gzip layers from the
  // layer cache; the second opens every .deb the expanded cache gave the first again and compresses every layer
  // itself, so what the caches hold is checked against the verified .debs by the proof itself
  const assembling = resolveExtraSources(config, request.file, files, work).then((extraSources) => {
    second.extras(extraSources);
    return phases
      .time('assemble', () =>
        assembleImage(config, inputs, {
          layout,
          baseDir: dirname(request.file),
          extraSources,
          expandedCache: expandedCache.dir,
          opened: arrivals.opened,
          fetched: (sha256) => arrivals.fetched(sha256),
          stored: (sha256, inCache) => {
            if (fromFirst.has(sha256)) second.expanded(sha256, inCache);
          },
          layerCache: join(files.cache.dir, 'layers'),
        }),
      )
      .then((image) => ({ image, extraSources }));
  });
  // a failed download outranks what it made the assembly fail with; neither returns before the other has ended
  const [fetched, assembled] = await Promise.allSettled([fetching, assembling]);
  if (fetched.status === 'rejected') throw fetched.reason;
  second.end();
  if (assembled.status === 'rejected') throw assembled.reason;
  const { image, extraSources } = assembled.value;
  // the threads are idle now: not held through the scan and the proof
  await workers[Symbol.asyncDispose]();
  await files.settled();
  const extraFiles = extraFilesOf(config, extraSources);
  const [, , { attestBuild, buildProvenance, readLocalInputs }] = await afterAssemblyModules();
  const provenance = config.outputs.provenance
    ? buildProvenance({
        config,
        lock,
        ...(await readLocalInputs(config, request.file)),
        extraFiles,
        image: {
          digest: image.digest,
          platforms: image.report.platforms.map((p) => ({ platform: p.platform, manifest: p.manifest })),
        },
        ...(request.builderId ? { builderId: request.builderId } : {}),
      })
    : undefined;
  const keyFile = config.outputs.signingKey;
  const signer =
    keyFile && request.push && request.loadSigner
      ? await request.loadSigner(resolve(dirname(request.file), keyFile))
      : undefined;
  const signs = signer !== undefined;
  // the scan and gate run while the second run still assembles; a failed proof outranks what they found, and
  // nothing is written beside the layout or pushed before both are through
  const [proved, checked] = await Promise.allSettled([
    proveReproducible(request.file, { image, environment }, second).then((proof) => {
      phases.record('second run', handedOver, handedOver + proof.secondRunMs);
      return proof;
    }),
    phases.time('scan and gate', () =>
      checkPlatforms(
        config,
        inputs,
        image,
        request,
        signs && provenance ? { digest: image.digest, predicate: provenance } : undefined,
      ),
    ),
  ]);
  if (proved.status === 'rejected') throw proved.reason;
  if (checked.status === 'rejected') throw checked.reason;
  const reproducibility = proved.value;
  const { gates, sboms } = checked.value;
  const outputs: string[] = [];
  const writing = performance.now();
  const attestations = `${layout}.attestations`;
  await mkdir(attestations, { recursive: true });
  for (const platform of sboms)
    for (const sbom of platform.sboms) {
      const path = join(attestations, `${platform.platform.replace('/', '-')}.${sbom.extension}`);
      await writeFileAtomic(path, sbom.text);
      outputs.push(path);
    }
  if (provenance) {
    const path = join(attestations, 'provenance.json');
    await writeFileAtomic(path, `${JSON.stringify(provenance, null, 2)}\n`);
    outputs.push(path);
  }
  phases.record('write outputs', writing, performance.now());
  const timed = phases.report();
  if (!request.push)
    return { image, lockPath, outputs, gates, reproducibility, extraFiles, signed: false, phases: timed };
  const { registry, target } = request.push;
  const tags = request.push.tags ?? config.image.tags;
  if (await published(registry, target, tags, image.digest))
    return {
      image,
      lockPath,
      outputs,
      gates,
      reproducibility,
      extraFiles,
      pushed: image.digest,
      signed: false,
      unchanged: true,
      phases: timed,
    };
  const pushed = await pushLayout(layout, registry, target, tags);
  if (signer)
    await attestBuild(registry, target, signer, {
      root: pushed,
      platforms: sboms,
      ...(provenance ? { provenance } : {}),
    });
  return { image, lockPath, outputs, gates, reproducibility, extraFiles, pushed, signed: signs, phases: timed };
}
