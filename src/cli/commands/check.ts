import { type Command, Option } from 'commander';
import { renderReport, reportFormats } from '../../report/index.ts';
import { exitCodes } from '../exit-codes.ts';
import { addImageOptions } from '../options.ts';
import { useColor, writeOut } from '../output.ts';
import {
  addCheckOptions,
  addScanCacheOption,
  addVulnOptions,
  checkImageFromCli,
  langOf,
  type ScanCliOptions,
} from '../scan-options.ts';

export function registerCheck(program: Command): void {
  addImageOptions(
    addScanCacheOption(
      addVulnOptions(
        addCheckOptions(
          program
            .command('check')
            .description(
              'run the hardening checks (checklist + base image policy) against an image; exit 1 when the gate fails',
            )
            .argument('<image>', 'image reference: NAME[:TAG][@DIGEST], oci-dir:, oci-archive:, docker-archive:, dir:')
            .addOption(
              new Option('-o, --output <format>', 'report format').choices([...reportFormats]).default('table'),
            ),
        ),
      ),
    ),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    const lang = langOf(opts as ScanCliOptions);
    const outcome = await checkImageFromCli(input, opts);
    const report = outcome.checks?.report;
    if (!report) throw new Error('the scan ran no checks');
    const format = opts.output as (typeof reportFormats)[number];
    await writeOut(renderReport(report, format, { lang, color: format === 'table' && useColor() }));
    process.exitCode = report.gate.failed ? exitCodes.gateFailed : exitCodes.ok;
  });
}
