import { type Command, Option } from 'commander';
import type { AttestationInput } from '../checks/index.ts';
import { SgciError, systemClock } from '../core/index.ts';
import type { ImageDescription } from '../oci/image/index.ts';
import type { Policy } from '../policy/index.ts';
import type { Lang } from '../report/index.ts';
import type { ScanDeps, ScanNeeds, ScanOutcome, ScanRequest, ScanSubject } from '../scan/index.ts';
import { collect } from './flags.ts';
import { limitsFromCli, openImageFromCli, registryFromCli } from './options.ts';

/** The flags of the commands that run the pipeline, as commander hands them over. */
export interface ScanCliOptions {
  vex?: string[];
  sla?: string[];
  now?: string;
  policy?: string;
  dockerfile?: string;
  manifests?: string;
  lang?: string;
  cache?: boolean;
  passwordStdin?: boolean;
}

/** `--vex`, `--sla` and `--now`: what `sgci vulns` and `sgci scan` share. */
export function addVulnOptions(cmd: Command): Command {
  return cmd
    .option(
      '--vex <file>',
      'OpenVEX, CycloneDX VEX or CSAF VEX document to apply (repeatable; statements in the database always apply)',
      collect,
      [],
    )
    .option(
      '--sla <severity=duration>',
      'change an SLA deadline, e.g. CRITICAL=24h, HIGH=3d, LOW=next-release (repeatable)',
      collect,
      [],
    )
    .option(
      '--now <time>',
      'evaluate ages, SLA deadlines and exception expiry at this ISO time (reproducible reports)',
    );
}

/** `--dockerfile`, `--manifests`, `--policy` and `--lang`: the inputs of the checks. */
/**
 * The language of reports and summaries when `--lang` is not given: German under a German locale (LC_ALL,
 * LC_MESSAGES, LANG as POSIX orders them), else English.
 */
export function localeLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^de([_.@-]|$)/i.test(locale) ? 'de' : 'en';
}

export function addCheckOptions(cmd: Command): Command {
  return cmd
    .option('--dockerfile <file>', 'the Dockerfile the image was built from (multi-stage aware)')
    .option('--manifests <file|dir>', 'Kubernetes manifests or rendered Helm output (YAML/JSON files)')
    .option('--policy <file>', 'sgci-policy.yaml (default: the built-in policy mirroring the seeds)')
    .addOption(
      new Option('--lang <lang>', 'report language (default: German under a German locale, else English)').choices([
        'de',
        'en',
      ]),
    );
}

/**
 * The evaluation clock for ages, SLA deadlines and exception expiry: `--now` (reproducible reports), else the
 * process clock (`SGCI_NOW` in tests and replays, else the current time). SOURCE_DATE_EPOCH is deliberately not
 * used: CI sets it to the commit time for builds.
 */
export function evaluationTime(now: string | undefined): Date {
  if (now === undefined) return systemClock()();
  const date = new Date(now);
  if (Number.isNaN(date.getTime())) throw new SgciError('USAGE', '--now', `not an ISO time: ${now}`);
  return date;
}

export function langOf(opts: ScanCliOptions): Lang {
  const lang = opts.lang ?? localeLang();
  if (lang !== 'de' && lang !== 'en') throw new SgciError('USAGE', '--lang', 'must be de or en');
  return lang;
}

/**
 * The policy of `--policy` and `--sla`. It loads when a command runs the pipeline, not with its flags and --help, and
 * without either flag only the built-in policy loads (`sgci sbom` has neither): the policy's other modules are
 * start-up time a run that judges nothing would pay (issue 17).
 */
async function policyFromCli(opts: ScanCliOptions): Promise<Policy> {
  if (opts.policy === undefined && !opts.sla?.length) return (await import('../policy/builtin/index.ts')).defaultPolicy;
  const { defaultPolicy, loadPolicy, withSlaOverrides } = await import('../policy/index.ts');
  return withSlaOverrides(opts.policy !== undefined ? await loadPolicy(opts.policy) : defaultPolicy, opts.sla ?? []);
}

/**
 * The scan request of a command's flags. Every file flag (VEX, policy, Dockerfile, manifests) is read here, before
 * the image is opened, so a typo fails in a second (exit 2) instead of after the pull.
 */
export async function scanRequestFromCli(
  subject: ScanSubject,
  needs: ScanNeeds,
  opts: ScanCliOptions,
): Promise<ScanRequest> {
  const now = evaluationTime(opts.now);
  const policy = await policyFromCli(opts);
  const documents = opts.vex ?? [];
  const vex = [];
  if (documents.length > 0) {
    // the VEX readers load with the vulnerability module: only when documents are given
    const { readVexFile } = await import('../vuln/index.ts');
    for (const path of documents) for (const statement of readVexFile(path)) vex.push(statement);
  }
  // the checks' input readers load with the checks, only when their flags are given
  const { readDockerfile, readManifests } =
    opts.dockerfile || opts.manifests
      ? await import('../checks/index.ts')
      : { readDockerfile: undefined, readManifests: undefined };
  return {
    subject,
    needs,
    policy,
    vex,
    notes: documents.map((d) => `VEX document read: ${d}`),
    now,
    ...(opts.dockerfile && readDockerfile ? { dockerfile: await readDockerfile(opts.dockerfile) } : {}),
    ...(opts.manifests && readManifests ? { manifests: await readManifests(opts.manifests) } : {}),
  };
}

/**
 * Signatures and attestations of a registry image, verified with the keys the policy trusts. Undefined (the checks
 * then say verification did not run) for local images and for a policy without trustedKeys.
 */
function attestationVerifier(
  policy: Policy,
  opts: Record<string, unknown>,
): (image: ImageDescription) => Promise<AttestationInput | undefined> {
  return async (image) => {
    const { source, digest } = image;
    if (source.kind !== 'registry' || !source.registry || !source.repository || !digest) return undefined;
    if (policy.trustedKeys.length === 0) return undefined;
    if (opts.passwordStdin) {
      // stdin was read for the image pull and cannot be read twice
      return {
        signatures: [],
        attestations: [],
        error: 'not verified with --password-stdin; pass the password in SGCI_REGISTRY_PASSWORD',
      };
    }
    const { attestationsForChecks } = await import('../attest/index.ts');
    await using registry = await registryFromCli(opts);
    // await before the registry client is disposed at the end of this scope
    // the opened image already knows its registry and repository: the reference is not parsed again
    const ref = {
      registry: source.registry,
      repository: source.repository,
      ...(source.tag ? { tag: source.tag } : {}),
    };
    return await attestationsForChecks(registry, { kind: 'registry', input: source.input, ref }, digest, policy);
  };
}

/** The parts a CLI scan runs with: the image flags, the advisory store, the registry for attestations. */
export function scanDepsFromCli(
  request: ScanRequest,
  opts: Record<string, unknown>,
  parts: Pick<ScanDeps, 'matcher' | 'cache'>,
): ScanDeps {
  return {
    openImage: (reference) => openImageFromCli(reference, opts),
    verifyAttestations: attestationVerifier(request.policy, opts),
    ...parts,
  };
}

/** `--cache`: reuse a stored scan of the same digest (no layer read) and store this one. */
export function addScanCacheOption(cmd: Command): Command {
  return cmd.option(
    '--cache',
    'reuse the stored result of an earlier scan of the same digest, policy and sgci version (no layer is read); store this one',
  );
}

/**
 * The advisory store for a scan: with `--cache` opened here, serving both the scan cache and matching (an embedded
 * database is written through one connection); without it, opened read-only when the SBOM is ready
 * (startStoreMatcher). Dispose it when the scan is done.
 */
async function scanStore(
  opts: ScanCliOptions,
): Promise<{ parts: Promise<Pick<ScanDeps, 'matcher' | 'cache'>> } & AsyncDisposable> {
  const { startStoreMatcher, storeMatcher, storeScanCache } = await import('../scan/index.ts');
  if (!opts.cache) {
    const matcher = startStoreMatcher();
    return {
      parts: Promise.resolve({ matcher: matcher.match }),
      [Symbol.asyncDispose]: () => matcher[Symbol.asyncDispose](),
    };
  }
  const opening = import('../store/index.ts').then(({ openStore }) => openStore());
  opening.catch(() => undefined);
  return {
    parts: opening.then((store) => ({ matcher: storeMatcher(store), cache: storeScanCache(store) })),
    async [Symbol.asyncDispose]() {
      await (await opening.catch(() => undefined))?.close();
    },
  };
}

/**
 * The run `sgci check` and `sgci scan` share: the advisory store starts opening at once, beside the image pull and
 * the layer pass; then one scan of the pipeline.
 */
export async function checkImageFromCli(input: string, opts: Record<string, unknown>): Promise<ScanOutcome> {
  const request = await scanRequestFromCli({ reference: input }, { vulns: true, checks: true }, opts as ScanCliOptions);
  await using store = await scanStore(opts as ScanCliOptions);
  const { runScan } = await import('../scan/index.ts');
  return await runScan({ ...request, limits: limitsFromCli(opts) }, scanDepsFromCli(request, opts, await store.parts));
}
