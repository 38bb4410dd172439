import { type Command, Option } from 'commander';
import { readDockerfile, readManifests } from '../../checks/index.ts';
import { SgciError } from '../../core/index.ts';
import { loadPolicy } from '../../policy/index.ts';
import { isReportFormat, type Lang, renderReport, reportFormats } from '../../report/index.ts';
import { scanImage } from '../../scan/index.ts';
import { exitCodes } from '../exit-codes.ts';
import { addImageOptions, openImageFromCli } from '../image-options.ts';
import { version } from '../main.ts';
import { useColor, writeOut } from '../output.ts';

/** The evaluation clock: SOURCE_DATE_EPOCH when set (reproducible reports), else now. */
export function evaluationTime(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return new Date();
  if (!/^\d+$/.test(epoch)) throw new SgciError('USAGE', 'SOURCE_DATE_EPOCH', 'must be seconds since the epoch');
  return new Date(Number(epoch) * 1000);
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
      .addOption(new Option('--lang <lang>', 'report language').choices(['de', 'en']).default('en')),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    const format = String(opts.output);
    if (!isReportFormat(format)) throw new SgciError('USAGE', '--output', `unknown format ${format}`);
    const inputs = await readCheckInputs(opts as CheckInputsOptions);
    const image = await openImageFromCli(input, opts);
    try {
      const result = await scanImage(image, {
        policy: inputs.policy,
        toolVersion: version,
        now: evaluationTime(),
        ...(inputs.dockerfile ? { dockerfile: inputs.dockerfile } : {}),
        ...(inputs.manifests ? { manifests: inputs.manifests } : {}),
      });
      await writeOut(
        renderReport(result.report, format, { lang: inputs.lang, color: format === 'table' && useColor() }),
      );
      process.exitCode = result.report.gate.failed ? exitCodes.gateFailed : exitCodes.ok;
    } finally {
      await image[Symbol.asyncDispose]();
    }
  });
}
