import { type Command, Option } from 'commander';
import { safeText, writeFileAtomic } from '../../core/index.ts';
import { type SbomFormat, sbomFormats } from '../../sbom/index.ts';
import { addImageOptions, limitsFromCli } from '../options.ts';
import { writeOut } from '../output.ts';
import { scanDepsFromCli, scanRequestFromCli } from '../scan-options.ts';

/** `sgci sbom IMAGE`: one pass over the layers, every cataloger, one SBOM document. */
export function registerSbom(program: Command): void {
  addImageOptions(
    program
      .command('sbom')
      .description('list every component of an image as CycloneDX 1.6, SPDX 2.3 or a table')
      .argument('<image>', 'image reference, oci-dir:, oci-archive:, docker-archive: or dir: source')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices([...sbomFormats]).default('cyclonedx-json'),
      )
      .option('--output-file <file>', 'write the SBOM to this file (atomically) instead of stdout'),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    const { runScan } = await import('../../scan/index.ts');
    const request = await scanRequestFromCli({ reference: input }, { vulns: false, checks: false }, {});
    const outcome = await runScan({ ...request, limits: limitsFromCli(opts) }, scanDepsFromCli(request, opts, {}));
    // the encoders load when this command runs, not with every other command
    const { encodeSbom, formatUnknown } = await import('../../sbom/index.ts');
    // what could not be inspected is in the SBOM; say so on stderr too, bounded
    const { unknowns } = outcome.sbom;
    for (const u of unknowns.slice(0, 20)) process.stderr.write(`sgci: warning: ${safeText(formatUnknown(u))}\n`);
    if (unknowns.length > 20)
      process.stderr.write(`sgci: warning: ${unknowns.length - 20} more unknowns in the SBOM\n`);
    const text = encodeSbom(outcome.sbom, opts.output as SbomFormat);
    if (typeof opts.outputFile === 'string') await writeFileAtomic(opts.outputFile, text);
    else await writeOut(text);
  });
}
