import { type Command, Option } from 'commander';
import { writeFileAtomic } from '../../core/index.ts';
import { type SbomFormat, sbomFormats } from '../../sbom/formats.ts';
import { addImageOptions, limitsFromCli, openImageFromCli } from '../image-options.ts';
import { writeOut } from '../output.ts';

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
    // the catalogers and encoders load when this command runs, not with every other command
    const { catalogerNeeds, catalogFilesystem } = await import('../../catalog/index.ts');
    const { encodeSbom, formatUnknown } = await import('../../sbom/index.ts');
    const image = await openImageFromCli(input, opts);
    try {
      const needs = catalogerNeeds();
      const fs = await image.filesystem(needs);
      const sbom = await catalogFilesystem(image, fs, needs, { limits: limitsFromCli(opts) });
      // what could not be inspected is in the SBOM; say so on stderr too, bounded
      for (const u of sbom.unknowns.slice(0, 20)) process.stderr.write(`sgci: warning: ${formatUnknown(u)}\n`);
      if (sbom.unknowns.length > 20)
        process.stderr.write(`sgci: warning: ${sbom.unknowns.length - 20} more unknowns in the SBOM\n`);
      const text = encodeSbom(sbom, opts.output as SbomFormat);
      if (typeof opts.outputFile === 'string') await writeFileAtomic(opts.outputFile, text);
      else await writeOut(text);
    } finally {
      await image[Symbol.asyncDispose]();
    }
  });
}
