import { readFileSync, statSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { SgciError, writeFileAtomic } from '../../core/index.ts';
// the vulnerability formats alone: the report's index also loads the checks, which vulns does not run
import { renderVulnReport, type VulnFormat, vulnFormats } from '../../report/vulns/index.ts';
import { decodeSbom } from '../../sbom/index.ts';
import type { ScanSubject } from '../../scan/index.ts';
import { reachesSeverity, type Severity, severityOrder } from '../../vuln/index.ts';
import { exitCodes } from '../exit-codes.ts';
import { addImageOptions, limitsFromCli } from '../options.ts';
import { writeOut } from '../output.ts';
import { addVulnOptions, type ScanCliOptions, scanDepsFromCli, scanRequestFromCli } from '../scan-options.ts';

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

function subjectOf(input: string): ScanSubject {
  const text = sbomFileText(input);
  return text === undefined ? { reference: input } : { sbom: decodeSbom(text, input), input };
}

/** `sgci vulns IMAGE|SBOM`: match against the offline database, apply VEX, report SLA state. */
export function registerVulns(program: Command): void {
  addImageOptions(
    addVulnOptions(
      program
        .command('vulns')
        .description('list the known vulnerabilities of an image or SBOM file, with VEX applied (nothing hidden)')
        .argument(
          '<input>',
          'image reference or source (oci-dir:, docker-archive: …), or a CycloneDX/SPDX JSON SBOM file',
        )
        .addOption(new Option('-o, --output <format>', 'output format').choices([...vulnFormats]).default('table'))
        .option('--output-file <file>', 'write the report to this file (atomically) instead of stdout')
        .addOption(
          new Option('--fail-on <severity>', 'exit 1 when an active finding has this severity or higher').choices(
            severityOrder.filter((s) => s !== 'UNKNOWN' && s !== 'NONE'),
          ),
        ),
    ),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    const { runScan, startStoreMatcher } = await import('../../scan/index.ts');
    const request = await scanRequestFromCli(subjectOf(input), { vulns: true, checks: false }, opts as ScanCliOptions);
    await using matcher = startStoreMatcher();
    const outcome = await runScan(
      { ...request, limits: limitsFromCli(opts) },
      scanDepsFromCli(request, opts, { matcher: matcher.match }),
    );
    const report = outcome.vulns?.report;
    if (!report) throw new SgciError('USAGE', input, 'no vulnerability report was produced');
    const text = renderVulnReport(report, opts.output as VulnFormat);
    if (typeof opts.outputFile === 'string') await writeFileAtomic(opts.outputFile, text);
    else await writeOut(text);
    if (typeof opts.failOn === 'string' && reachesSeverity(report, opts.failOn as Severity))
      process.exitCode = exitCodes.gateFailed;
  });
}
