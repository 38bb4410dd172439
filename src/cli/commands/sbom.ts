import { type Command, Option } from 'commander';
import { catalogerNeeds, catalogFilesystem } from '../../catalog/index.ts';
import { writeFileAtomic } from '../../core/index.ts';
import { encodeSbom, type SbomFormat, sbomFormats } from '../../sbom/index.ts';
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
    const image = await openImageFromCli(input, opts);
    try {
      const needs = catalogerNeeds();
      const fs = await image.filesystem(needs);
      const sbom = await catalogFilesystem(image, fs, needs, { limits: limitsFromCli(opts) });
      const text = encodeSbom(sbom, opts.output as SbomFormat);
      if (typeof opts.outputFile === 'string') await writeFileAtomic(opts.outputFile, text);
      else await writeOut(text);
    } finally {
      await image[Symbol.asyncDispose]();
    }
  });
}
