import { type Command, Option } from 'commander';
import { attestationsForChecks } from '../../attest/index.ts';
import { type AttestationInput, readDockerfile, readManifests } from '../../checks/index.ts';
import { SgciError } from '../../core/index.ts';
import { parseImageReference } from '../../oci/reference/index.ts';
import type { Image } from '../../oci/types.ts';
import { loadPolicy, type Policy, parseDuration } from '../../policy/index.ts';
import { isReportFormat, type Lang, renderReport, reportFormats } from '../../report/index.ts';
import { scanImage, startStoreMatcher, type VulnMatcher } from '../../scan/index.ts';
import type { SlaPolicy } from '../../vuln/index.ts';
import { exitCodes } from '../exit-codes.ts';
import { addImageOptions, openImageFromCli } from '../image-options.ts';
import { version } from '../main.ts';
import { useColor, writeOut } from '../output.ts';
import { registryFromCli } from './sign.ts';

/**
 * The evaluation clock for ages, SLA deadlines and exception expiry: `--now` (reproducible reports), else the
 * current time. SOURCE_DATE_EPOCH is deliberately not used: CI sets it to the commit time for builds.
 */
export function evaluationTime(now: unknown): Date {
  if (now === undefined) return new Date();
  const date = new Date(String(now));
  if (Number.isNaN(date.getTime())) throw new SgciError('USAGE', '--now', `not an ISO time: ${String(now)}`);
  return date;
}

/** The policy's SLA windows in the hours the matcher counts in. */
function slaPolicyOf(policy: Policy): SlaPolicy {
  const out: Record<string, number | 'next-release'> = {};
  for (const [severity, text] of Object.entries(policy.sla)) {
    const ms = parseDuration(text, policy.name);
    out[severity] = ms === undefined ? 'next-release' : ms / 3_600_000;
  }
  return out;
}

/**
 * Matching against the local advisory database (or DATABASE_URL), the store opening in a worker thread while the
 * layers are read (see startStoreMatcher). A missing or empty database is reported, never created here and never
 * taken for "no vulnerabilities". Dispose it when done.
 */
export function openStoreMatcher(policy: Policy, now: Date): { readonly match: VulnMatcher } & AsyncDisposable {
  return startStoreMatcher(slaPolicyOf(policy), now);
}

/**
 * Signatures and attestations of a registry image, verified with the keys the policy trusts. Undefined (the checks
 * then say verification did not run) for local images and for a policy without trustedKeys.
 */
export async function attestationsFromCli(
  input: string,
  image: Image,
  policy: Policy,
  opts: Record<string, unknown>,
): Promise<AttestationInput | undefined> {
  const reference = parseImageReference(input);
  if (reference.kind !== 'registry' || !image.digest || policy.trustedKeys.length === 0) return undefined;
  if (opts.passwordStdin) {
    // stdin was read for the image pull and cannot be read twice
    return {
      signatures: [],
      attestations: [],
      error: 'not verified with --password-stdin; pass the password in SGCI_REGISTRY_PASSWORD',
    };
  }
  await using registry = await registryFromCli(opts);
  // await before the registry client is disposed at the end of this scope
  return await attestationsForChecks(registry, reference, image.digest, policy);
}

export interface CheckInputsOptions {
  dockerfile?: string;
  manifests?: string;
  policy?: string;
  lang?: string;
}

/** Reads --dockerfile, --manifests and --policy before the image is opened, so a typo fails fast (exit 2). */
export async function readCheckInputs(opts: CheckInputsOptions) {
  const lang = (opts.lang ?? 'en') as Lang;
  if (lang !== 'de' && lang !== 'en') throw new SgciError('USAGE', '--lang', 'must be de or en');
  return {
    lang,
    policy: await loadPolicy(opts.policy),
    ...(opts.dockerfile ? { dockerfile: await readDockerfile(opts.dockerfile) } : {}),
    ...(opts.manifests ? { manifests: await readManifests(opts.manifests) } : {}),
  };
}

export type CheckInputs = Awaited<ReturnType<typeof readCheckInputs>>;
export type ScanResult = Awaited<ReturnType<typeof scanImage>>;

/**
 * The core `sgci check` and `sgci scan` share: the advisory store starts opening at once, beside the image pull and
 * the layer pass; then one scan, whose result `use` renders while the image is still open.
 */
export async function scanFromCli<T>(
  input: string,
  opts: Record<string, unknown>,
  inputs: CheckInputs,
  now: Date,
  use: (image: Image, result: ScanResult) => Promise<T>,
): Promise<T> {
  await using matcher = openStoreMatcher(inputs.policy, now);
  const image = await openImageFromCli(input, opts);
  try {
    const attestations = await attestationsFromCli(input, image, inputs.policy, opts);
    const result = await scanImage(image, {
      ...(attestations ? { attestations } : {}),
      policy: inputs.policy,
      toolVersion: version,
      now,
      matchVulnerabilities: matcher.match,
      ...(inputs.dockerfile ? { dockerfile: inputs.dockerfile } : {}),
      ...(inputs.manifests ? { manifests: inputs.manifests } : {}),
    });
    return await use(image, result);
  } finally {
    await image[Symbol.asyncDispose]();
  }
}

export function registerCheck(program: Command): void {
  addImageOptions(
    program
      .command('check')
      .description(
        'run the hardening checks (checklist + base image policy) against an image; exit 1 when the gate fails',
      )
      .argument('<image>', 'image reference: NAME[:TAG][@DIGEST], oci-dir:, oci-archive:, docker-archive:, dir:')
      .option('--dockerfile <file>', 'the Dockerfile the image was built from (multi-stage aware)')
      .option('--manifests <file|dir>', 'Kubernetes manifests or rendered Helm output (YAML/JSON files)')
      .option('--policy <file>', 'sgci-policy.yaml (default: the built-in policy mirroring the seeds)')
      .addOption(new Option('-o, --output <format>', 'report format').choices([...reportFormats]).default('table'))
      .addOption(new Option('--lang <lang>', 'report language').choices(['de', 'en']).default('en'))
      .option(
        '--now <time>',
        'evaluate ages, SLA deadlines and exception expiry at this ISO time (reproducible reports)',
      ),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    const format = String(opts.output);
    if (!isReportFormat(format)) throw new SgciError('USAGE', '--output', `unknown format ${format}`);
    const inputs = await readCheckInputs(opts as CheckInputsOptions);
    const gateFailed = await scanFromCli(input, opts, inputs, evaluationTime(opts.now), async (_image, result) => {
      await writeOut(
        renderReport(result.report, format, { lang: inputs.lang, color: format === 'table' && useColor() }),
      );
      return result.report.gate.failed;
    });
    process.exitCode = gateFailed ? exitCodes.gateFailed : exitCodes.ok;
  });
}
