import { readFileSync, statSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { catalogerNeeds, catalogFilesystem } from '../../catalog/index.ts';
import { SgciError, writeFileAtomic } from '../../core/index.ts';
import { decodeSbom, type Sbom } from '../../sbom/index.ts';
import { openStore } from '../../store/index.ts';
import {
  defaultSlaPolicy,
  matchSbom,
  parseSlaDuration,
  reachesSeverity,
  readVexFile,
  renderVulnReport,
  type Severity,
  type SlaPolicy,
  severityOrder,
  type VexStatement,
  type VulnFormat,
  vulnFormats,
} from '../../vuln/index.ts';
import { exitCodes } from '../exit-codes.ts';
import { addImageOptions, limitsFromCli, openImageFromCli } from '../image-options.ts';
import { version } from '../main.ts';
import { writeOut } from '../output.ts';

const maxSbomBytes = 256 * 1024 * 1024;

/** An existing JSON file is read as an SBOM (CycloneDX or SPDX); anything else is an image reference. */
function sbomFileText(input: string): string | undefined {
  try {
    const stat = statSync(input);
    if (!stat.isFile()) return undefined;
    if (stat.size > maxSbomBytes) throw new SgciError('LIMIT_EXCEEDED', input, `SBOM exceeds ${maxSbomBytes} bytes`);
  } catch (error) {
    if (error instanceof SgciError) throw error;
    return undefined;
  }
  const text = readFileSync(input, 'utf8');
  return /^\s*\{/.test(text) ? text : undefined;
}

async function sbomOf(input: string, opts: Record<string, unknown>): Promise<Sbom> {
  const text = sbomFileText(input);
  if (text !== undefined) return decodeSbom(text, input);
  const image = await openImageFromCli(input, opts);
  try {
    const needs = catalogerNeeds();
    const fs = await image.filesystem(needs);
    return await catalogFilesystem(image, fs, needs, { limits: limitsFromCli(opts) });
  } finally {
    await image[Symbol.asyncDispose]();
  }
}

/** The default SLA policy with `SEVERITY=DURATION` overrides from the command line. */
function slaPolicyFromCli(overrides: readonly string[]): SlaPolicy {
  const policy: Partial<Record<Severity, number | 'next-release'>> = { ...defaultSlaPolicy };
  for (const item of overrides) {
    const [severity = '', duration = ''] = item.split('=');
    const hours = parseSlaDuration(duration);
    if (!severityOrder.includes(severity.toUpperCase() as Severity) || hours === undefined)
      throw new SgciError('USAGE', item, 'expected SEVERITY=DURATION, e.g. HIGH=7d, CRITICAL=48h, LOW=next-release');
    policy[severity.toUpperCase() as Severity] = hours;
  }
  return policy;
}

/** `sgci vulns IMAGE|SBOM`: match against the offline database, apply VEX, report SLA state. */
export function registerVulns(program: Command): void {
  addImageOptions(
    program
      .command('vulns')
      .description('list the known vulnerabilities of an image or SBOM file, with VEX applied (nothing hidden)')
      .argument(
        '<input>',
        'image reference or source (oci-dir:, docker-archive: …), or a CycloneDX/SPDX JSON SBOM file',
      )
      .option(
        '--vex <file...>',
        'OpenVEX, CycloneDX VEX or CSAF VEX documents to apply (statements in the database always apply)',
      )
      .addOption(new Option('-o, --output <format>', 'output format').choices([...vulnFormats]).default('table'))
      .option('--output-file <file>', 'write the report to this file (atomically) instead of stdout')
      .addOption(
        new Option('--fail-on <severity>', 'exit 1 when an active finding has this severity or higher').choices(
          severityOrder.filter((s) => s !== 'UNKNOWN' && s !== 'NONE'),
        ),
      )
      .option('--sla <severity=duration...>', 'change an SLA deadline, e.g. CRITICAL=24h HIGH=3d LOW=next-release')
      .option('--now <time>', 'evaluate SLA deadlines at this ISO time instead of the clock (reproducible reports)'),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    const now = typeof opts.now === 'string' ? new Date(opts.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new SgciError('USAGE', String(opts.now), 'not an ISO time');
    const documents = (opts.vex as string[] | undefined) ?? [];
    const fromFiles: VexStatement[] = documents.flatMap((path) => readVexFile(path));
    const sbom = await sbomOf(input, opts);
    await using store = await openStore({ readOnly: true });
    const stored = await store.vex.list();
    const report = await matchSbom(sbom, store.advisories, {
      sla: slaPolicyFromCli((opts.sla as string[] | undefined) ?? []),
      vex: [...stored, ...fromFiles],
      now,
      notes: documents.map((d) => `VEX document read: ${d}`),
    });
    const text = renderVulnReport(report, opts.output as VulnFormat, version);
    if (typeof opts.outputFile === 'string') await writeFileAtomic(opts.outputFile, text);
    else await writeOut(text);
    if (typeof opts.failOn === 'string' && reachesSeverity(report, opts.failOn as Severity))
      process.exitCode = exitCodes.gateFailed;
  });
}
